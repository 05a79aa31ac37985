import express, { type RequestHandler } from 'express';
import { AppError } from '@secret-flows/contracts';

/** Largest JSON body the wallet accepts: a 64 KiB secret or sign payload plus JSON overhead. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Parses JSON bodies only: a request that carries a body of any other media type is refused
 * with 415 instead of being silently treated as empty; oversized bodies become 413.
 */
export function jsonBody(options: { limitBytes: number }): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      next(
        new AppError(
          'unsupported_media_type',
          'Request bodies must be application/json.',
        ),
      );
      return;
    }
    next();
  };
  return [
    requireJson,
    express.json({
      limit: options.limitBytes,
      strict: true,
      type: 'application/json',
    }),
  ];
}
