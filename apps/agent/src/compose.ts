import * as fs from 'node:fs';
import * as path from 'node:path';
import { Gauge } from 'prom-client';
import { checkApiKey, createJwksVerifier } from '@secret-flows/auth';
import {
  createLogger,
  createMetrics,
  instrumentAxios,
  tracingMiddleware,
  type Logger,
} from '@secret-flows/telemetry';
import type { AppDeps } from './app';
import type { SecretBackend } from './backend/secret-backend';
import { createServiceTokenSource } from './backend/wallet-http/service-token';
import { createWalletHttpBackend } from './backend/wallet-http/wallet-http-backend';
import type {
  AgentConfig,
  VaultBackendConfig,
  WalletBackendConfig,
} from './config';
import { createAdminGuard } from './http/admin-guard';
import {
  createJwtTenantResolver,
  createSingleTenantResolver,
  type TenantResolver,
} from './tenant/tenant-resolver';

export type AgentLogger = Logger;

export interface AgentDependencies extends AppDeps {
  logger: AgentLogger;
  /** The full metrics set (the app needs only its middleware and handler). */
  metrics: ReturnType<typeof createMetrics>;
  /** Marks the process as draining, so readiness fails while in-flight requests finish. */
  beginDrain(): void;
  /** Releases the backend (keep-alive sockets; in vault mode the agent's own Vault token). */
  close(): Promise<void>;
}

function packageVersion(): string {
  // Same relative location from src/ (tests) and dist/ (runtime).
  const manifest = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'),
  ) as { version?: string };
  return manifest.version ?? '0.0.0';
}

function createVaultBackend(
  config: VaultBackendConfig,
  logger: AgentLogger,
): SecretBackend {
  // Loaded here and only here: in wallet mode (phases 3-4) neither this adapter nor vault-client
  // nor wallet-core is ever required into the process (docs/architecture.md; proven by compose.test.ts).
  const adapter =
    require('@secret-flows/agent-vault-backend') as typeof import('@secret-flows/agent-vault-backend');
  return adapter.createAgentVaultBackend({
    address: config.address,
    namespace: config.namespace,
    caCertFile: config.caCertFile,
    timeoutMs: config.timeoutMs,
    kvMount: config.kvMount,
    auth: config.auth,
    logger: logger.child({ component: 'vault-backend' }),
  });
}

function createWalletBackend(
  config: WalletBackendConfig,
  metrics: ReturnType<typeof createMetrics>,
): { backend: SecretBackend; resolver: TenantResolver } {
  const serviceToken = createServiceTokenSource({
    privateKeyPem: fs.readFileSync(config.serviceJwt.privateKeyFile, 'utf8'),
    keyId: config.serviceJwt.keyId,
  });
  const backend = createWalletHttpBackend({
    baseUrl: config.url,
    timeoutMs: config.timeoutMs,
    serviceToken,
    instrument: (instance) => instrumentAxios(instance),
    observe: (operation, status, seconds) =>
      metrics.walletRequestDuration.observe({ operation, status }, seconds),
  });
  // jwks_fetches_total{result} feeds the TenantJwksFetchFailing alert (deploy/k8s/components/monitoring).
  const verifier = createJwksVerifier({
    ...config.tenantJwt,
    onJwksFetch: (result) => metrics.counters.jwksFetches.inc({ result }),
  });
  // "One JWKS fetch per key id" (docs/benchmarks.md) is checked by the benchmark through this gauge, as on the wallet.
  new Gauge({
    name: 'tenant_jwks_fetches',
    help: 'JWKS documents fetched to verify tenant JWTs since start.',
    registers: [metrics.registry],
    collect() {
      this.set(verifier.stats().jwksFetches);
    },
  });
  return { backend, resolver: createJwtTenantResolver(verifier) };
}

/** Builds the agent's object graph from its configuration (docs/adr/0001-plain-factories-no-di-container.md); nothing here listens. */
export function createDependencies(config: AgentConfig): AgentDependencies {
  const logger = createLogger({
    name: config.serviceName,
    level: config.logLevel,
  });
  const metrics = createMetrics({ serviceName: config.serviceName });
  const { backend, resolver } =
    config.backend.kind === 'vault'
      ? {
          backend: createVaultBackend(config.backend, logger),
          resolver: createSingleTenantResolver(),
        }
      : createWalletBackend(config.backend, metrics);
  let isDraining = false;
  return {
    backend,
    tenantResolver: resolver,
    isDraining: () => isDraining,
    beginDrain: () => {
      isDraining = true;
    },
    adminGuard: createAdminGuard({
      source: config.adminKey,
      compare: checkApiKey,
    }),
    tenancy: config.tenancy,
    limits: config.limits,
    onShed: (reason) => metrics.counters.requestsShed.inc({ reason }),
    logger,
    metrics,
    tracing: tracingMiddleware(),
    version: packageVersion(),
    startedAt: new Date(),
    close: () => backend.close(),
  };
}
