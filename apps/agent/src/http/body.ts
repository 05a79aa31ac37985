import { AppError } from '@secret-flows/contracts';
import express, { type RequestHandler } from 'express';

/** Largest accepted JSON body: a 64 KiB secret or sign payload plus JSON and base64url overhead. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * JSON body parsing for routes that take one: a body in any other media type is a 415, an
 * oversized one a 413 (raised by express.json and mapped by the error handler).
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.get('content-length') !== undefined
        ? req.get('content-length') !== '0'
        : req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      throw new AppError(
        'unsupported_media_type',
        'Send the request body as application/json.',
      );
    }
    next();
  };
  return [
    requireJson,
    express.json({
      limit: limitBytes,
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  ];
}
