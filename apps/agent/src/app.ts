import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { SecretBackend } from './backend/secret-backend';
import { accessLog } from './http/access-log';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './http/body';
import { errorHandler, notFoundHandler } from './http/error-handler';
import {
  createRequestBudget,
  requestIdMiddleware,
} from '@secret-flows/telemetry';
import { AppError } from '@secret-flows/contracts';
import { createDocsRouter } from './docs/docs.routes';
import { createKeysRouter } from './keys/keys.routes';
import { createSecretsRouter } from './secrets/secrets.routes';
import { createSystemRouter } from './system/system.routes';
import { tenantMiddleware, tenantOf } from './tenant/tenant-context';
import type { TenantResolver } from './tenant/tenant-resolver';
import { createWalletsRouter } from './wallets/wallets.routes';

export interface AppDeps {
  backend: SecretBackend;
  tenantResolver: TenantResolver;
  adminGuard: RequestHandler;
  tenancy: 'single' | 'multi';
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: {
    httpMetricsMiddleware(): RequestHandler;
    metricsHandler: RequestHandler;
  };
  /** Opens the server span of each request (telemetry's tracingMiddleware), when tracing is on. */
  tracing?: RequestHandler;
  version: string;
  startedAt: Date;
  bodyLimitBytes?: number;
  /** What requests in flight may hold (DEFAULT_LIMITS); beyond it they are shed with 503. */
  limits?: RequestLimits;
  /** Counts requests the budget refused (http_requests_shed_total). */
  onShed?: (reason: string) => void;
  /** True once the process is draining (SIGTERM); /_system/ready then answers 503. */
  isDraining?: () => boolean;
}

export interface RequestLimits {
  maxInflightRequests: number;
  maxInflightBodyBytes: number;
  bodyTimeoutMs: number;
}

/**
 * 4 MiB of bodies in flight cost ~5x that in the heap (raw chunks, decoded string, parsed value,
 * the copy sent to the wallet): about 20 MB, inside the launcher's 96 MB heap (docs/reliability.md).
 */
export const DEFAULT_LIMITS: RequestLimits = {
  maxInflightRequests: 128,
  maxInflightBodyBytes: 4 * 1024 * 1024,
  bodyTimeoutMs: 10_000,
};

/** Turns the agent's dependencies into its Express app (docs/api/agent.openapi.json); it never listens. */
export function buildApp(deps: AppDeps): Express {
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const handleError = errorHandler(deps.logger);
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
    onRefused: deps.onShed,
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
  app.set('query parser', 'simple');
  // A JSON API never serves documents: nothing may load from it or frame it.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
    }),
  );
  app.use(requestIdMiddleware());
  // Shed before any other work: a refused request costs as little as possible.
  app.use(budget.middleware);
  if (deps.tracing) app.use(deps.tracing);
  app.use(deps.metrics.httpMetricsMiddleware());
  app.use(accessLog(deps.logger));

  app.use(
    createSystemRouter({
      backend: deps.backend,
      version: deps.version,
      metricsHandler: deps.metrics.metricsHandler,
      isDraining: deps.isDraining,
    }),
  );

  app.use(createDocsRouter()); // GET /docs: the API reference page and openapi.json (ADR 0014)
  const body = jsonBody(bodyLimitBytes);
  // Credentials are checked before a body is parsed: an anonymous client cannot make us read 256 KiB.
  app.use(
    '/wallets',
    deps.adminGuard,
    budget.perTenant(() => 'admin'),
    ...body,
  );
  if (deps.tenancy === 'multi' && !deps.backend.tenants) {
    throw new Error(
      'AGENT_TENANCY=multi needs a backend that provisions tenants (the wallet)',
    );
  }
  app.use(
    createWalletsRouter({
      tenants: deps.tenancy === 'multi' ? deps.backend.tenants : undefined,
      defaultWalletCreatedAt: deps.startedAt,
    }),
  );
  app.use(
    ['/keys', '/secrets'],
    tenantMiddleware(deps.tenantResolver),
    budget.perTenant((_req, res) => tenantOf(res).tenantId),
    ...body,
  );
  app.use(createKeysRouter({ keys: deps.backend.keys }));
  app.use(createSecretsRouter({ secrets: deps.backend.secrets }));

  app.use(notFoundHandler());
  app.use(handleError);
  return app;
}
