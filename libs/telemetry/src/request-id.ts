import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** True when a caller-supplied request id is safe to echo and log. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}

/**
 * Express middleware that adopts a valid incoming X-Request-Id or generates a UUID, echoes it
 * and stores it on `res.locals.requestId`.
 *
 * @example
 * app.use(requestIdMiddleware());
 */
export function requestIdMiddleware(
  options: { generate?: () => string } = {},
): RequestHandler {
  const generate = options.generate ?? randomUUID;
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers[REQUEST_ID_HEADER];
    // An invalid id is replaced, not refused: the request itself may be fine, and an
    // attacker-chosen id must not reach logs (log injection) or response headers.
    const requestId = isValidRequestId(incoming) ? incoming : generate();
    res.locals['requestId'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}

/** The request id set by requestIdMiddleware (or `unknown` if it did not run). */
export function requestIdOf(res: Response): string {
  const value = res.locals['requestId'];
  return typeof value === 'string' ? value : 'unknown';
}
