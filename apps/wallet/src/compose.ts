import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import {
  createJwksVerifier,
  createServiceTokenVerifier,
} from '@secret-flows/auth';
import {
  createLogger,
  createMetrics,
  type Logger,
  type Metrics,
} from '@secret-flows/telemetry';
import {
  approleAuth,
  createVaultClient,
  isPermissionDenied,
  tokenAuth,
  type AuthMethod,
  type VaultClient,
} from '@secret-flows/vault-client';
import { createWalletCore, type WalletCore } from '@secret-flows/wallet-core';
import type { AppDeps } from './app';
import type { VaultAuthConfig, WalletConfig } from './config';
import { registerCredentialGauges } from './system/credential-gauges';
import { createVaultReadiness } from './system/vault-readiness';
import {
  createJwtExchangeTenantDataAccess,
  type JwtExchangeTenantDataAccess,
} from './tenancy/jwt-exchange';
import {
  createSingleTenantDataAccess,
  type TenantDataAccess,
} from './tenancy/tenant-data-access';
import {
  createVaultTenantDirectory,
  type TenantDirectory,
} from './tenants/tenant-directory';
import { createAsTenant } from './tenants/tenant-identity';

// Vault identity-token role that mints tenant JWTs (deploy/vault/bootstrap.yaml `identity.role`,
// also what the gateway's GET /auth/token route reads).
const TENANT_OIDC_ROLE = 'tenant';

export interface WalletDependencies extends AppDeps {
  vault: VaultClient;
}

/**
 * Builds the wallet's object graph from its configuration; reads the service keys and CA file now.
 * @example const deps = createDependencies(loadConfig(process.env), { tracer });
 */
export function createDependencies(
  config: WalletConfig,
  options: { tracer?: Tracer; logger?: Logger } = {},
): WalletDependencies {
  const logger =
    options.logger ??
    createLogger({
      name: config.telemetry.serviceName,
      level: config.logLevel,
    });
  const metrics = createMetrics({ serviceName: config.telemetry.serviceName });
  const vault = createVaultClient({
    address: config.vault.address,
    namespace: config.vault.namespace,
    timeoutMs: config.vault.timeoutMs,
    caCertPem: config.vault.caCertFile
      ? fs.readFileSync(config.vault.caCertFile, 'utf8')
      : undefined,
    auth: vaultAuthMethod(config.vault.auth),
    logger: logger.child({ component: 'vault-client' }),
  });
  const tenantTokens = createJwksVerifier({
    jwksUrl: config.tenantJwt.jwksUrl,
    issuer: config.tenantJwt.issuer,
    audience: config.tenantJwt.audience,
    tenantClaim: config.tenantJwt.tenantClaim,
    // jwks_fetches_total{result} feeds the TenantJwksFetchFailing alert (deploy/k8s/components/monitoring).
    onJwksFetch: (result) => metrics.counters.jwksFetches.inc({ result }),
  });
  registerCredentialGauges(metrics.registry, {
    vaultStatus: () => vault.status(),
    jwksStats: () => tenantTokens.stats(),
  });
  const retryAfterSeconds = retryAfter(config);
  const transitMount = config.vault.transitMount;
  const walletCore = createWalletCore({
    kvMount: config.vault.kvMount,
    retryAfterSeconds,
    quotas: config.quotas,
    // Deletion of Transit keys runs on the wallet's own AppRole token (wallet / wallet-provisioner policy).
    transit: transitMount
      ? { mount: transitMount, admin: vault.transit(transitMount) }
      : undefined,
  });
  const { tenantData, tenants } = tenancy(config, {
    walletCore,
    vault,
    counters: metrics.counters,
    retryAfterSeconds,
  });
  return {
    version: packageVersion(),
    logger,
    metrics,
    tracer: options.tracer,
    serviceTokens: createServiceTokenVerifier({
      trustedKeys: readJson(
        config.serviceJwt.publicKeysFile,
        'SERVICE_JWT_PUBLIC_KEYS_FILE',
      ) as { keys: Record<string, unknown>[] },
      audience: 'wallet',
      issuer: 'agent',
    }),
    tenantTokens,
    tenantData,
    tenants,
    readiness: createVaultReadiness({ vault }),
    limits: config.limits,
    // The per-tenant limit belongs to phase 4; phase 3 has the gateway's per-consumer limit.
    tenantRateLimitPerMinute:
      config.tenancy === 'multi' ? config.tenantRateLimitPerMinute : undefined,
    vault,
  };
}

function vaultAuthMethod(auth: VaultAuthConfig): AuthMethod {
  if (auth.kind === 'token')
    return tokenAuth(
      auth.tokenFile ? { file: auth.tokenFile } : (auth.token as string),
    );
  return approleAuth({
    mount: auth.mount,
    roleId: auth.roleId,
    roleIdFile: auth.roleIdFile,
    secretIdFile: auth.secretIdFile,
    wrappedSecretIdFile: auth.wrappedSecretIdFile,
  });
}

type TenancyDeps = {
  walletCore: WalletCore;
  vault: VaultClient;
  counters: Metrics['counters'];
  retryAfterSeconds: number;
};

// Phase 3 (single): tenant data on the wallet's own token, no onboarding. Phase 4 (multi): tenant
// data only through exchanged tenant tokens, onboarding with the provisioner token.
function tenancy(
  config: WalletConfig,
  deps: TenancyDeps,
): { tenantData: TenantDataAccess; tenants?: TenantDirectory } {
  if (config.tenancy === 'single')
    return { tenantData: createSingleTenantDataAccess(deps) };
  const tenantData = jwtExchange(config, deps);
  return {
    tenantData,
    tenants: tenantDirectory(config, { ...deps, tenantData }),
  };
}

function jwtExchange(
  config: WalletConfig,
  deps: TenancyDeps,
): JwtExchangeTenantDataAccess {
  const jwtAuth = deps.vault.auth.jwt(config.vault.jwtAuthMount);
  return createJwtExchangeTenantDataAccess({
    walletCore: deps.walletCore,
    login: (jwt) => jwtAuth.login(config.vault.jwtRole, jwt),
    withToken: (token) => deps.vault.withToken(token),
    counters: deps.counters,
    retryAfterSeconds: deps.retryAfterSeconds,
    isTokenValid: (token) =>
      deps.vault
        .withToken(token)
        .auth.token.lookupSelf()
        .then(
          () => true,
          (err: unknown) =>
            isPermissionDenied(err) ? false : Promise.reject(err),
        ),
  });
}

/** Phase 4 onboarding, executed with the wallet's provisioner token (wallet-provisioner.hcl). */
function tenantDirectory(
  config: WalletConfig,
  deps: TenancyDeps & { tenantData: JwtExchangeTenantDataAccess },
): TenantDirectory {
  const { vault, tenantData } = deps;
  return createVaultTenantDirectory({
    vault,
    walletCore: deps.walletCore,
    asTenant: createAsTenant({
      vault,
      userpassMount: config.vault.userpassMount,
      jwtMount: config.vault.jwtAuthMount,
      jwtRole: config.vault.jwtRole,
      oidcRole: TENANT_OIDC_ROLE,
    }),
    userpassMount: config.vault.userpassMount,
    jwtMount: config.vault.jwtAuthMount,
    onDisabled: (tenantId) => tenantData.forgetTenant(tenantId),
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
    throw new Error(
      `${variable}: cannot read a JSON document from the configured file`,
      { cause: err },
    );
  }
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
