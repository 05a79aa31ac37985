import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AppError,
  PROBLEM_CONTENT_TYPE,
  problemFromError,
} from '@secret-flows/contracts';
import { isAuthError } from '@secret-flows/auth';
import { requestIdOf, type Logger } from '@secret-flows/telemetry';

/** Unknown routes get the same problem body as every other error. */
export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) =>
    next(new AppError('not_found', 'No such route.'));
}

/**
 * The one error middleware (docs/adr/0004-error-taxonomy.md): every failure becomes RFC 9457 problem JSON with the
 * request id; 5xx details go to the log only; outages carry Retry-After.
 */
export function errorHandler(deps: { logger: Logger }): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const requestId = requestIdOf(res);
    const { status, problem, retryAfterSeconds } = problemFromError(
      fromAuthError(err),
      requestId,
      req.originalUrl.split('?')[0],
    );
    if (status >= 500)
      deps.logger.error(
        { err, requestId, status, code: problem.code },
        'request failed',
      );
    else
      deps.logger.debug(
        { requestId, status, code: problem.code },
        'request refused',
      );
    if (retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(retryAfterSeconds));
    if (status === 401)
      res.setHeader('WWW-Authenticate', 'Bearer realm="wallet"');
    res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  };
}

// AuthError texts are fixed per reason (libs/auth), so they are safe to show to the caller.
function fromAuthError(err: unknown): unknown {
  if (!isAuthError(err)) return err;
  if (err.status === 503) {
    return new AppError('service_unavailable', err.message, {
      cause: err,
      retryAfterSeconds: 5,
    });
  }
  return new AppError('unauthorized', err.message, { cause: err });
}
