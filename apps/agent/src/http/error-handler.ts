import {
  PROBLEM_CONTENT_TYPE,
  problemFromError,
} from '@secret-flows/contracts';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestIdOf } from '@secret-flows/telemetry';
import { instanceOf } from './request-id';

/** Answers every unmatched route with a not_found problem instead of Express's HTML page. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res
      .status(404)
      .type(PROBLEM_CONTENT_TYPE)
      .json({
        type: 'urn:secret-flows:problem:not_found',
        title: 'Not found',
        status: 404,
        detail: 'No such route.',
        code: 'not_found',
        requestId: requestIdOf(res),
        instance: instanceOf(req),
      });
  };
}

/** The agent's one error middleware: any thrown value becomes problem JSON with the request id. */
export function errorHandler(
  logger: Pick<Logger, 'warn' | 'error'>,
): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const requestId = requestIdOf(res);
    const { status, problem, retryAfterSeconds } = problemFromError(
      err,
      requestId,
      instanceOf(req),
    );
    // Only the error's class and message are logged: causes are built without secrets (wallet-errors.ts)
    // and request bodies are never attached to errors.
    const fields = {
      requestId,
      status,
      code: problem.code,
      err: describe(err),
    };
    if (status >= 500) logger.error(fields, 'request failed');
    else logger.warn(fields, 'request rejected');
    if (retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(retryAfterSeconds));
    res.status(status).type(PROBLEM_CONTENT_TYPE).json(problem);
  };
}

function describe(err: unknown): {
  name: string;
  message: string;
  cause?: string;
} {
  if (!(err instanceof Error))
    return { name: typeof err, message: 'non-error thrown' };
  // V8's JSON.parse messages quote the body they choked on, which may be a secret value.
  if ((err as { type?: unknown }).type === 'entity.parse.failed')
    return { name: err.name, message: 'malformed JSON body' };
  const cause =
    err.cause instanceof Error
      ? `${err.cause.name}: ${err.cause.message}`
      : undefined;
  return { name: err.name, message: err.message, ...(cause ? { cause } : {}) };
}
