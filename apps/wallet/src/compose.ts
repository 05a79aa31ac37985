import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { createJwksVerifier, createServiceTokenVerifier } from '@secret-flows/auth';
import { createLogger, createMetrics, type Logger, type Metrics } from '@secret-flows/telemetry';
import { approleAuth, createVaultClient, tokenAuth, type AuthMethod, type VaultClient } from '@secret-flows/vault-client';
import { createWalletCore, type WalletCore } from '@secret-flows/wallet-core';
import type { AppDeps } from './app';
import type { VaultAuthConfig, WalletConfig } from './config';
import { registerCredentialGauges } from './system/credential-gauges';
import { createVaultReadiness } from './system/vault-readiness';
import { createJwtExchangeTenantDataAccess } from './tenancy/jwt-exchange';
import { createSingleTenantDataAccess, type TenantDataAccess } from './tenancy/tenant-data-access';

export interface WalletDependencies extends AppDeps {
  vault: VaultClient;
}

/**
 * Builds the wallet's object graph from its configuration; reads the service keys and CA file now.
 * @example const deps = createDependencies(loadConfig(process.env), { tracer });
 */
export function createDependencies(config: WalletConfig, options: { tracer?: Tracer; logger?: Logger } = {}): WalletDependencies {
  const logger = options.logger ?? createLogger({ name: config.telemetry.serviceName, level: config.logLevel });
  const metrics = createMetrics({ serviceName: config.telemetry.serviceName });
  const vault = createVaultClient({
    address: config.vault.address,
    namespace: config.vault.namespace,
    timeoutMs: config.vault.timeoutMs,
    caCertPem: config.vault.caCertFile ? fs.readFileSync(config.vault.caCertFile, 'utf8') : undefined,
    auth: vaultAuthMethod(config.vault.auth),
    logger: logger.child({ component: 'vault-client' }),
  });
  const tenantTokens = createJwksVerifier({
    jwksUrl: config.tenantJwt.jwksUrl,
    issuer: config.tenantJwt.issuer,
    audience: config.tenantJwt.audience,
    tenantClaim: config.tenantJwt.tenantClaim,
  });
  registerCredentialGauges(metrics.registry, { vaultStatus: () => vault.status(), jwksStats: () => tenantTokens.stats() });
  const retryAfterSeconds = retryAfter(config);
  const walletCore = createWalletCore({ kvMount: config.vault.kvMount, retryAfterSeconds });
  return {
    version: packageVersion(),
    logger,
    metrics,
    tracer: options.tracer,
    serviceTokens: createServiceTokenVerifier({
      trustedKeys: readJson(config.serviceJwt.publicKeysFile, 'SERVICE_JWT_PUBLIC_KEYS_FILE') as { keys: Record<string, unknown>[] },
      audience: 'wallet',
      issuer: 'agent',
    }),
    tenantTokens,
    tenantData: tenantDataAccess(config, { walletCore, vault, counters: metrics.counters, retryAfterSeconds }),
    readiness: createVaultReadiness({ vault }),
    // The per-tenant limit belongs to phase 4 (issue 6); phase 3 has the gateway's per-consumer limit.
    tenantRateLimitPerMinute: config.tenancy === 'multi' ? config.tenantRateLimitPerMinute : undefined,
    vault,
  };
}

function vaultAuthMethod(auth: VaultAuthConfig): AuthMethod {
  if (auth.kind === 'token') return tokenAuth(auth.tokenFile ? { file: auth.tokenFile } : (auth.token as string));
  return approleAuth({
    mount: auth.mount,
    roleId: auth.roleId,
    roleIdFile: auth.roleIdFile,
    secretIdFile: auth.secretIdFile,
    wrappedSecretIdFile: auth.wrappedSecretIdFile,
  });
}

function tenantDataAccess(
  config: WalletConfig,
  deps: { walletCore: WalletCore; vault: VaultClient; counters: Metrics['counters']; retryAfterSeconds: number },
): TenantDataAccess {
  if (config.tenancy === 'single') return createSingleTenantDataAccess(deps);
  const jwtAuth = deps.vault.auth.jwt(config.vault.jwtAuthMount);
  return createJwtExchangeTenantDataAccess({
    walletCore: deps.walletCore,
    login: (jwt) => jwtAuth.login(config.vault.jwtRole, jwt),
    withToken: (token) => deps.vault.withToken(token),
    counters: deps.counters,
    retryAfterSeconds: deps.retryAfterSeconds,
  });
}

// A client told to retry sooner than Vault's own timeout would just pile up behind it.
function retryAfter(config: WalletConfig): number {
  return Math.max(1, Math.ceil(config.vault.timeoutMs / 1000));
}

function readJson(file: string, variable: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${variable}: cannot read a JSON document from the configured file`, { cause: err });
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
