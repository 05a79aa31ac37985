import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { SecretBackend } from './backend/secret-backend';
import { accessLog } from './http/access-log';
import { DEFAULT_BODY_LIMIT_BYTES, jsonBody } from './http/body';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requestIdMiddleware } from '@secret-flows/telemetry';
import { createDocsRouter } from './docs/docs.routes';
import { createKeysRouter } from './keys/keys.routes';
import { createSecretsRouter } from './secrets/secrets.routes';
import { createSystemRouter } from './system/system.routes';
import { tenantMiddleware } from './tenant/tenant-context';
import type { TenantResolver } from './tenant/tenant-resolver';
import { createWalletsRouter } from './wallets/wallets.routes';

export interface AppDeps {
  backend: SecretBackend;
  tenantResolver: TenantResolver;
  adminGuard: RequestHandler;
  tenancy: 'single' | 'multi';
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  metrics: { httpMetricsMiddleware(): RequestHandler; metricsHandler: RequestHandler };
  /** Opens the server span of each request (telemetry's tracingMiddleware), when tracing is on. */
  tracing?: RequestHandler;
  version: string;
  startedAt: Date;
  bodyLimitBytes?: number;
  /** True once the process is draining (SIGTERM); /_system/ready then answers 503. */
  isDraining?: () => boolean;
}

/** Turns the agent's dependencies into its Express app (DESIGN §10 API); it never listens. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // A JSON API never serves documents: nothing may load from it or frame it.
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  app.use(requestIdMiddleware());
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
  const body = jsonBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  // Credentials are checked before a body is parsed: an anonymous client cannot make us read 256 KiB.
  app.use('/wallets', deps.adminGuard, ...body);
  if (deps.tenancy === 'multi' && !deps.backend.tenants) {
    throw new Error('AGENT_TENANCY=multi needs a backend that provisions tenants (the wallet)');
  }
  app.use(
    createWalletsRouter({
      tenants: deps.tenancy === 'multi' ? deps.backend.tenants : undefined,
      defaultWalletCreatedAt: deps.startedAt,
    }),
  );
  app.use(['/keys', '/secrets'], tenantMiddleware(deps.tenantResolver), ...body);
  app.use(createKeysRouter({ keys: deps.backend.keys }));
  app.use(createSecretsRouter({ secrets: deps.backend.secrets }));

  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
