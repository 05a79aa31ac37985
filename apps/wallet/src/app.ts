import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { JwksVerifier, ServiceTokenVerifier } from '@secret-flows/auth';
import {
  createRequestBudget,
  requestIdMiddleware,
  tracingMiddleware,
  type Logger,
  type Metrics,
} from '@secret-flows/telemetry';
import { AppError } from '@secret-flows/contracts';
import type { Tracer } from '@opentelemetry/api';
import { createAudit } from './audit/audit';
import {
  requireServiceToken,
  requireTenant,
  tenantOf,
} from './auth/auth.middleware';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './http/json-body';
import { createKeysRouter } from './keys/keys.routes';
import { createSecretsRouter } from './secrets/secrets.routes';
import {
  createSystemRouter,
  type ReadinessProbe,
} from './system/system.routes';
import type { TenantDataAccess } from './tenancy/tenant-data-access';
import { tenantRateLimit } from './tenancy/tenant-rate-limit';
import type { TenantDirectory } from './tenants/tenant-directory';
import {
  createTenantsRouter,
  requireAdminScope,
} from './tenants/tenants.routes';

export interface AppDeps {
  version: string;
  logger: Logger;
  metrics: Pick<
    Metrics,
    'httpMetricsMiddleware' | 'metricsHandler' | 'counters'
  >;
  tracer?: Tracer;
  serviceTokens: Pick<ServiceTokenVerifier, 'verify'>;
  tenantTokens: Pick<JwksVerifier, 'verify'>;
  tenantData: TenantDataAccess;
  readiness: ReadinessProbe;
  bodyLimitBytes?: number;
  /** What requests in flight may hold (DEFAULT_LIMITS); beyond it they are shed with 503. */
  limits?: RequestLimits;
  /** Per-tenant requests per minute (phase 4); no per-tenant limit when absent. */
  tenantRateLimitPerMinute?: number;
  /** Tenant lifecycle on /v1/tenants (phase 4); absent in single tenancy, where the routes do not exist. */
  tenants?: TenantDirectory;
}

export interface RequestLimits {
  maxInflightRequests: number;
  maxInflightBodyBytes: number;
  bodyTimeoutMs: number;
}

/**
 * 4 MiB of bodies in flight cost ~5x that in the heap (raw chunks, decoded string, parsed value,
 * the copy sent to Vault): about 20 MB, inside the launcher's 96 MB heap (docs/reliability.md).
 */
export const DEFAULT_LIMITS: RequestLimits = {
  maxInflightRequests: 128,
  maxInflightBodyBytes: 4 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
};

/**
 * Turns the dependencies into the wallet's Express app; never listens (tests mount it with supertest).
 * @example const app = buildApp(createDependencies(config));
 */
export function buildApp(deps: AppDeps): Express {
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const handleError = errorHandler({ logger: deps.logger });
  const budget = createRequestBudget({
    maxConcurrentRequests: limits.maxInflightRequests,
    maxBodyBytesInFlight: limits.maxInflightBodyBytes,
    maxBodyBytes: bodyLimitBytes,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    refuse: (reason) =>
      reason === 'overloaded'
        ? new AppError('service_unavailable', 'Too many requests in flight.', {
            retryAfterSeconds: 1,
          })
        : new AppError(
            'request_timeout',
            `The request body did not arrive within ${limits.bodyTimeoutMs} ms.`,
          ),
    onRefused: (reason) => deps.metrics.counters.requestsShed.inc({ reason }),
    refuseTenant: () =>
      new AppError(
        'rate_limited',
        'This tenant has too many requests in flight.',
        { retryAfterSeconds: 1 },
      ),
    // Health, readiness and metrics stay outside the budget: an overloaded service still says so.
    exempt: (req) => req.path.includes('/_system/'),
    respond: (err, req, res) => handleError(err, req, res, () => undefined),
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestIdMiddleware());
  // Shed before any other work: a refused request costs as little as possible.
  app.use(budget.middleware);
  app.use(
    tracingMiddleware({ tracer: deps.tracer }),
    deps.metrics.httpMetricsMiddleware(),
    helmet(),
  );

  app.use(
    createSystemRouter({
      version: deps.version,
      readiness: deps.readiness,
      metricsHandler: deps.metrics.metricsHandler,
    }),
  );

  const audit = createAudit({
    logger: deps.logger,
    counters: deps.metrics.counters,
  });
  const counters = deps.metrics.counters;
  // Credentials are checked before a body is read: an anonymous caller cannot make us parse 256 kB.
  const tenantGate: RequestHandler[] = [
    requireServiceToken({ verifier: deps.serviceTokens, counters }),
    requireTenant({ verifier: deps.tenantTokens, counters }),
    ...(deps.tenantRateLimitPerMinute
      ? [tenantRateLimit({ limitPerMinute: deps.tenantRateLimitPerMinute })]
      : []),
    budget.perTenant((_req, res) => tenantOf(res).tenantId),
    ...jsonBody({ limitBytes: bodyLimitBytes }),
  ];
  const tenantData = deps.tenantData;
  app.use(['/v1/keys', '/v1/secrets'], tenantGate);
  app.use(
    createKeysRouter({ tenantData, audit }),
    createSecretsRouter({ tenantData, audit }),
  );
  if (deps.tenants) {
    // Administration needs the service token with the tenants:admin scope and no tenant JWT.
    app.use('/v1/tenants', [
      requireServiceToken({ verifier: deps.serviceTokens, counters }),
      requireAdminScope(deps.serviceTokens),
      budget.perTenant(() => 'admin'),
      ...jsonBody({ limitBytes: bodyLimitBytes }),
    ]);
    app.use(createTenantsRouter({ tenants: deps.tenants, audit }));
  }
  // Any other /v1 path still needs a service token, so probing for routes reveals nothing.
  app.use(
    '/v1',
    requireServiceToken({ verifier: deps.serviceTokens, counters }),
  );

  app.use(notFoundHandler());
  app.use(handleError);
  return app;
}
