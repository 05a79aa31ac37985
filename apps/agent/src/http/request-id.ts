import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

// The gateway's request-id plugin sets X-Request-Id; anything else a client sends is accepted
// only when it is short and plain, so it can never smuggle log-injection or header tricks.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the incoming X-Request-Id (or makes one), echoes it on the response and keeps it in res.locals. */
export function requestIdMiddleware(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}

/** The request id of this exchange (set by requestIdMiddleware). */
export function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : 'unknown';
}

/** The path a problem body names as `instance`, without the query string (it may carry data). */
export function instanceOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.path;
}
