import * as fs from 'node:fs';
import { z } from 'zod';

/** Every environment variable the agent reads (docs/configuration.md, Common + Agent + Vault + JWT sections). */
export const ENV_KEYS = [
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'SHUTDOWN_TIMEOUT_MS',
  'AGENT_MAX_INFLIGHT_REQUESTS',
  'AGENT_MAX_INFLIGHT_BODY_BYTES',
  'AGENT_BODY_TIMEOUT_MS',
  'AGENT_SECRET_BACKEND',
  'AGENT_TENANCY',
  'WALLET_URL',
  'WALLET_TIMEOUT_MS',
  'ADMIN_API_KEY',
  'ADMIN_API_KEY_FILE',
  'TENANT_JWT_JWKS_URL',
  'TENANT_JWT_ISSUER',
  'TENANT_JWT_AUDIENCE',
  'TENANT_JWT_TENANT_CLAIM',
  'SERVICE_JWT_PRIVATE_KEY_FILE',
  'SERVICE_JWT_KEY_ID',
  'VAULT_ADDR',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'VAULT_TIMEOUT_MS',
  'VAULT_KV_MOUNT',
  'VAULT_TOKEN',
  'VAULT_TOKEN_FILE',
  'VAULT_APPROLE_MOUNT',
  'VAULT_APPROLE_ROLE_ID',
  'VAULT_APPROLE_ROLE_ID_FILE',
  'VAULT_APPROLE_SECRET_ID_FILE',
  'VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
] as const;

/**
 * Variables that give the agent a way into Vault. In `wallet` mode (phases 3-4) the agent must hold
 * none of them (docs/architecture.md), so their mere presence is a startup error rather than silently ignored.
 */
export const VAULT_ENV_KEYS = ENV_KEYS.filter((key) =>
  key.startsWith('VAULT_'),
);

const optionalText = z.string().trim().min(1).optional();
const positiveMs = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8085),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('agent'),
  SHUTDOWN_TIMEOUT_MS: positiveMs(10_000),
  // What requests in flight may hold, well below the launcher's 96 MB heap (docs/reliability.md).
  AGENT_MAX_INFLIGHT_REQUESTS: z.coerce.number().int().positive().default(128),
  AGENT_MAX_INFLIGHT_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  AGENT_BODY_TIMEOUT_MS: positiveMs(10_000),
  AGENT_SECRET_BACKEND: z.enum(['vault', 'wallet'], {
    error: 'must be "vault" (phases 1-2) or "wallet" (phases 3-4)',
  }),
  AGENT_TENANCY: z.enum(['single', 'multi']).default('single'),
  WALLET_URL: z.url().optional(),
  WALLET_TIMEOUT_MS: positiveMs(5000),
  ADMIN_API_KEY: optionalText,
  ADMIN_API_KEY_FILE: optionalText,
  TENANT_JWT_JWKS_URL: z.url().optional(),
  TENANT_JWT_ISSUER: optionalText,
  TENANT_JWT_AUDIENCE: optionalText,
  TENANT_JWT_TENANT_CLAIM: z.string().min(1).default('tenant_id'),
  SERVICE_JWT_PRIVATE_KEY_FILE: optionalText,
  SERVICE_JWT_KEY_ID: optionalText,
  VAULT_ADDR: z.url().optional(),
  VAULT_NAMESPACE: optionalText,
  VAULT_CACERT: optionalText,
  VAULT_TIMEOUT_MS: positiveMs(5000),
  VAULT_KV_MOUNT: z.string().min(1).default('secret'),
  VAULT_TOKEN: optionalText,
  VAULT_TOKEN_FILE: optionalText,
  VAULT_APPROLE_MOUNT: z.string().min(1).default('approle'),
  VAULT_APPROLE_ROLE_ID: optionalText,
  VAULT_APPROLE_ROLE_ID_FILE: optionalText,
  VAULT_APPROLE_SECRET_ID_FILE: optionalText,
  VAULT_APPROLE_WRAPPED_SECRET_ID_FILE: optionalText,
});

type Env = z.infer<typeof envSchema>;

/** Where the admin key comes from; a file is re-read on use so a rotated key needs no restart. */
export type AdminKeySource =
  | { kind: 'none' }
  | { kind: 'value'; value: string }
  | { kind: 'file'; path: string };

export type VaultAuthConfig =
  | { method: 'token'; token?: string; tokenFile?: string }
  | {
      method: 'approle';
      mount: string;
      roleId?: string;
      roleIdFile?: string;
      secretIdFile?: string;
      wrappedSecretIdFile?: string;
    };

export interface VaultBackendConfig {
  kind: 'vault';
  address: string;
  namespace?: string;
  caCertFile?: string;
  timeoutMs: number;
  kvMount: string;
  auth: VaultAuthConfig;
}

export interface TenantJwtConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  tenantClaim: string;
}

export interface WalletBackendConfig {
  kind: 'wallet';
  url: string;
  timeoutMs: number;
  tenantJwt: TenantJwtConfig;
  serviceJwt: { privateKeyFile: string; keyId: string };
}

export interface AgentConfig {
  host: string;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  serviceName: string;
  otlpEndpoint?: string;
  shutdownTimeoutMs: number;
  limits: {
    maxInflightRequests: number;
    maxInflightBodyBytes: number;
    bodyTimeoutMs: number;
  };
  tenancy: 'single' | 'multi';
  adminKey: AdminKeySource;
  backend: VaultBackendConfig | WalletBackendConfig;
}

/** Thrown with every configuration problem in one message; it never contains a variable's value. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function vaultAuth(env: Env, problems: string[]): VaultAuthConfig {
  const hasToken = Boolean(env.VAULT_TOKEN ?? env.VAULT_TOKEN_FILE);
  const hasRole = Boolean(
    env.VAULT_APPROLE_ROLE_ID ?? env.VAULT_APPROLE_ROLE_ID_FILE,
  );
  const hasSecret = Boolean(
    env.VAULT_APPROLE_SECRET_ID_FILE ??
      env.VAULT_APPROLE_WRAPPED_SECRET_ID_FILE,
  );
  if (hasToken && (hasRole || hasSecret))
    problems.push('set either VAULT_TOKEN(_FILE) or VAULT_APPROLE_*, not both');
  if (env.VAULT_TOKEN && env.VAULT_TOKEN_FILE)
    problems.push('set only one of VAULT_TOKEN and VAULT_TOKEN_FILE');
  if (env.VAULT_APPROLE_ROLE_ID && env.VAULT_APPROLE_ROLE_ID_FILE) {
    problems.push(
      'set only one of VAULT_APPROLE_ROLE_ID and VAULT_APPROLE_ROLE_ID_FILE',
    );
  }
  if (
    env.VAULT_APPROLE_SECRET_ID_FILE &&
    env.VAULT_APPROLE_WRAPPED_SECRET_ID_FILE
  ) {
    problems.push(
      'set only one of VAULT_APPROLE_SECRET_ID_FILE and VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
    );
  }
  if (hasToken)
    return {
      method: 'token',
      token: env.VAULT_TOKEN,
      tokenFile: env.VAULT_TOKEN_FILE,
    };
  if (!hasRole || !hasSecret) {
    problems.push(
      'vault backend needs VAULT_TOKEN(_FILE) (phase 1) or VAULT_APPROLE_ROLE_ID(_FILE) with VAULT_APPROLE_(WRAPPED_)SECRET_ID_FILE (phase 2)',
    );
  }
  return {
    method: 'approle',
    mount: env.VAULT_APPROLE_MOUNT,
    roleId: env.VAULT_APPROLE_ROLE_ID,
    roleIdFile: env.VAULT_APPROLE_ROLE_ID_FILE,
    secretIdFile: env.VAULT_APPROLE_SECRET_ID_FILE,
    wrappedSecretIdFile: env.VAULT_APPROLE_WRAPPED_SECRET_ID_FILE,
  };
}

function vaultBackend(env: Env, problems: string[]): VaultBackendConfig {
  if (!env.VAULT_ADDR)
    problems.push('VAULT_ADDR is required when AGENT_SECRET_BACKEND=vault');
  if (env.AGENT_TENANCY === 'multi')
    problems.push(
      'AGENT_TENANCY=multi needs AGENT_SECRET_BACKEND=wallet (phase 4)',
    );
  if (env.WALLET_URL)
    problems.push('WALLET_URL is only used when AGENT_SECRET_BACKEND=wallet');
  return {
    kind: 'vault',
    address: env.VAULT_ADDR ?? '',
    namespace: env.VAULT_NAMESPACE,
    caCertFile: env.VAULT_CACERT,
    timeoutMs: env.VAULT_TIMEOUT_MS,
    kvMount: env.VAULT_KV_MOUNT,
    auth: vaultAuth(env, problems),
  };
}

function walletBackend(
  env: Env,
  raw: Record<string, string | undefined>,
  problems: string[],
): WalletBackendConfig {
  const present = VAULT_ENV_KEYS.filter(
    (key) => raw[key] !== undefined && raw[key] !== '',
  );
  if (present.length > 0) {
    problems.push(
      `AGENT_SECRET_BACKEND=wallet refuses Vault variables (the agent holds no Vault access): ${present.join(', ')}`,
    );
  }
  const required = [
    'WALLET_URL',
    'TENANT_JWT_JWKS_URL',
    'TENANT_JWT_ISSUER',
    'TENANT_JWT_AUDIENCE',
    'SERVICE_JWT_PRIVATE_KEY_FILE',
    'SERVICE_JWT_KEY_ID',
  ] as const;
  for (const key of required) {
    if (!env[key])
      problems.push(`${key} is required when AGENT_SECRET_BACKEND=wallet`);
  }
  return {
    kind: 'wallet',
    url: env.WALLET_URL ?? '',
    timeoutMs: env.WALLET_TIMEOUT_MS,
    tenantJwt: {
      jwksUrl: env.TENANT_JWT_JWKS_URL ?? '',
      issuer: env.TENANT_JWT_ISSUER ?? '',
      audience: env.TENANT_JWT_AUDIENCE ?? '',
      tenantClaim: env.TENANT_JWT_TENANT_CLAIM,
    },
    serviceJwt: {
      privateKeyFile: env.SERVICE_JWT_PRIVATE_KEY_FILE ?? '',
      keyId: env.SERVICE_JWT_KEY_ID ?? '',
    },
  };
}

function adminKey(env: Env, problems: string[]): AdminKeySource {
  if (env.ADMIN_API_KEY && env.ADMIN_API_KEY_FILE)
    problems.push('set only one of ADMIN_API_KEY and ADMIN_API_KEY_FILE');
  if (env.ADMIN_API_KEY_FILE) {
    if (!fs.existsSync(env.ADMIN_API_KEY_FILE))
      problems.push('ADMIN_API_KEY_FILE does not name a readable file');
    return { kind: 'file', path: env.ADMIN_API_KEY_FILE };
  }
  if (env.ADMIN_API_KEY) {
    // A short admin key is guessable; Identus ships "admin" as its default, which we refuse.
    if (env.ADMIN_API_KEY.length < 16)
      problems.push('ADMIN_API_KEY must be at least 16 characters');
    return { kind: 'value', value: env.ADMIN_API_KEY };
  }
  return { kind: 'none' };
}

/** Parses the agent's environment once; throws a ConfigError listing every problem. */
export function loadConfig(
  raw: Record<string, string | undefined> = process.env,
): Readonly<AgentConfig> {
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    // Name the variable and the rule only: zod's issue messages never echo the input value.
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message}`,
      ),
    );
  }
  const env = parsed.data;
  const problems: string[] = [];
  const backend =
    env.AGENT_SECRET_BACKEND === 'vault'
      ? vaultBackend(env, problems)
      : walletBackend(env, raw, problems);
  const config: AgentConfig = {
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    serviceName: env.OTEL_SERVICE_NAME,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    limits: {
      maxInflightRequests: env.AGENT_MAX_INFLIGHT_REQUESTS,
      maxInflightBodyBytes: env.AGENT_MAX_INFLIGHT_BODY_BYTES,
      bodyTimeoutMs: env.AGENT_BODY_TIMEOUT_MS,
    },
    tenancy: env.AGENT_TENANCY,
    adminKey: adminKey(env, problems),
    backend,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
