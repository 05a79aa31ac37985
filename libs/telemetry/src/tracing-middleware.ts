import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeOf } from './http-route';

const DEFAULT_TRACER_NAME = '@secret-flows/telemetry';

/**
 * Express middleware that continues the caller's W3C trace and wraps the request in a SERVER span
 * named `METHOD /route/template`; it records the status, never headers, paths or bodies.
 *
 * @example
 * app.use(tracingMiddleware({ tracer: telemetry.tracer }));
 */
export function tracingMiddleware(
  options: { tracer?: Tracer } = {},
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const tracer = options.tracer ?? trace.getTracer(DEFAULT_TRACER_NAME);
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method },
      },
      parent,
    );
    let ended = false;
    const end = (aborted: boolean) => {
      if (ended) return;
      ended = true;
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      // Set by requestIdMiddleware; ties the trace to log lines and problem bodies.
      const requestId: unknown = res.locals['requestId'];
      if (typeof requestId === 'string')
        span.setAttribute('request.id', requestId);
      if (aborted)
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: 'client closed the connection',
        });
      else if (res.statusCode >= 500)
        span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', () => end(false));
    res.once('close', () => end(!res.writableFinished));
    context.with(trace.setSpan(parent, span), next);
  };
}
