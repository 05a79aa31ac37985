import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestIdOf, routeOf } from '@secret-flows/telemetry';

/**
 * One log line per request. It names the route pattern, never the concrete URL: a secret's name
 * can itself be sensitive (docs/architecture.md, "Observability"), and query strings are not ours to log.
 */
export function accessLog(logger: Pick<Logger, 'info'>): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          requestId: requestIdOf(res),
          method: req.method,
          route: routeOf(req),
          status: res.statusCode,
          tenantId: (res.locals.tenant as { tenantId?: string } | undefined)
            ?.tenantId,
          // The gateway's authenticated consumer (APISIX key-auth): who called, for the audit trail.
          consumer: req.get('x-consumer-username'),
          durationMs: Number(process.hrtime.bigint() - startedAt) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
