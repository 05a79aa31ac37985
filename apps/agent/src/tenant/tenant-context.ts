import { trace } from '@opentelemetry/api';
import { AppError } from '@secret-flows/contracts';
import type { RequestHandler, Response } from 'express';
import type { TenantContext } from '../backend/secret-backend';
import { requestIdOf } from '@secret-flows/telemetry';
import type { TenantResolver } from './tenant-resolver';

/**
 * Resolves the tenant before any route runs, so an unauthenticated request gets its 401 before
 * its body is even looked at.
 */
export function tenantMiddleware(resolver: TenantResolver): RequestHandler {
  return async (req, res, next) => {
    const tenant = await resolver.resolve(req);
    // The client going away (or the gateway giving up) stops the work at every hop below.
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished)
        controller.abort(new Error('the client closed the connection'));
    });
    const context: TenantContext = {
      ...tenant,
      requestId: requestIdOf(res),
      signal: controller.signal,
    };
    res.locals.tenant = context;
    // Spans name the tenant (an id, never a token or a value).
    trace.getActiveSpan()?.setAttribute('tenant.id', tenant.tenantId);
    next();
  };
}

/** The tenant that tenantMiddleware resolved for this request. */
export function tenantOf(res: Response): TenantContext {
  const tenant = res.locals.tenant as TenantContext | undefined;
  // Reaching a tenant route without the middleware is a wiring bug, never a client error.
  if (tenant === undefined)
    throw new AppError('internal', 'Tenant not resolved.');
  return tenant;
}
