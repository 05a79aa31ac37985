import { z } from 'zod';

/** Every environment variable the wallet reads (docs/configuration.md: Common, Vault, tenant JWT, service tokens, Wallet). */
export const ENV_KEYS = [
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'SHUTDOWN_TIMEOUT_MS',
  'VAULT_ADDR',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'VAULT_TIMEOUT_MS',
  'VAULT_KV_MOUNT',
  'VAULT_TRANSIT_MOUNT',
  'VAULT_TOKEN',
  'VAULT_TOKEN_FILE',
  'VAULT_APPROLE_MOUNT',
  'VAULT_APPROLE_ROLE_ID',
  'VAULT_APPROLE_ROLE_ID_FILE',
  'VAULT_APPROLE_SECRET_ID_FILE',
  'VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
  'TENANT_JWT_JWKS_URL',
  'TENANT_JWT_ISSUER',
  'TENANT_JWT_AUDIENCE',
  'TENANT_JWT_TENANT_CLAIM',
  'SERVICE_JWT_PUBLIC_KEYS_FILE',
  'WALLET_TENANCY',
  'VAULT_JWT_AUTH_MOUNT',
  'VAULT_JWT_ROLE',
  'VAULT_USERPASS_MOUNT',
  'WALLET_ALLOW_TOKEN_AUTH',
  'WALLET_TENANT_RATE_LIMIT_PER_MINUTE',
  'WALLET_MAX_INFLIGHT_REQUESTS',
  'WALLET_MAX_INFLIGHT_BODY_BYTES',
  'WALLET_BODY_TIMEOUT_MS',
  'WALLET_QUOTA_SECRETS',
  'WALLET_QUOTA_KEYS',
  'WALLET_QUOTA_VALUE_BYTES',
  'WALLET_QUOTA_TOTAL_BYTES',
] as const;

const optionalText = z.string().trim().min(1).optional();
const requiredText = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required');
const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);
const mountPath = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_/-]*$/, 'must be a Vault mount path')
    .default(fallback);
const flag = z
  .enum(['true', 'false'], { error: 'must be "true" or "false"' })
  .default('false');

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8086),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('wallet'),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  VAULT_ADDR: z.url({ error: 'is required (e.g. http://127.0.0.1:8200)' }),
  VAULT_NAMESPACE: optionalText,
  VAULT_CACERT: optionalText,
  VAULT_TIMEOUT_MS: positiveInt(5000),
  VAULT_KV_MOUNT: mountPath('secret'),
  // Set = Ed25519 and P-256 keys default to vault-transit custody (docs/adr/0015-key-custody-modes.md).
  VAULT_TRANSIT_MOUNT: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_/-]*$/, 'must be a Vault mount path')
    .optional(),
  VAULT_TOKEN: optionalText,
  VAULT_TOKEN_FILE: optionalText,
  VAULT_APPROLE_MOUNT: mountPath('approle'),
  VAULT_APPROLE_ROLE_ID: optionalText,
  VAULT_APPROLE_ROLE_ID_FILE: optionalText,
  VAULT_APPROLE_SECRET_ID_FILE: optionalText,
  VAULT_APPROLE_WRAPPED_SECRET_ID_FILE: optionalText,
  TENANT_JWT_JWKS_URL: z.url({
    error: 'is required (the tenant JWT issuer JWKS URL)',
  }),
  TENANT_JWT_ISSUER: requiredText,
  TENANT_JWT_AUDIENCE: requiredText,
  TENANT_JWT_TENANT_CLAIM: z.string().min(1).default('tenant_id'),
  SERVICE_JWT_PUBLIC_KEYS_FILE: requiredText,
  WALLET_TENANCY: z
    .enum(['single', 'multi'], {
      error: 'must be "single" (phase 3) or "multi" (phase 4)',
    })
    .default('single'),
  VAULT_JWT_AUTH_MOUNT: mountPath('jwt'),
  VAULT_JWT_ROLE: z.string().min(1).default('tenant'),
  VAULT_USERPASS_MOUNT: mountPath('userpass'),
  WALLET_ALLOW_TOKEN_AUTH: flag,
  WALLET_TENANT_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  // What requests in flight may hold, well below the launcher's 96 MB heap (docs/reliability.md).
  WALLET_MAX_INFLIGHT_REQUESTS: positiveInt(128),
  WALLET_MAX_INFLIGHT_BODY_BYTES: positiveInt(4 * 1024 * 1024),
  WALLET_BODY_TIMEOUT_MS: positiveInt(10_000),
  // Per-tenant quotas (ADR 0009).
  WALLET_QUOTA_SECRETS: positiveInt(1000),
  WALLET_QUOTA_KEYS: positiveInt(1000),
  WALLET_QUOTA_VALUE_BYTES: positiveInt(64 * 1024).refine(
    (n) => n <= 64 * 1024,
    'must be at most 65536 (the API maximum)',
  ),
  WALLET_QUOTA_TOTAL_BYTES: positiveInt(16 * 1024 * 1024),
});
type Env = z.infer<typeof envSchema>;

/** How the wallet logs in to Vault; `token` only exists for development (WALLET_ALLOW_TOKEN_AUTH). */
export type VaultAuthConfig =
  | {
      kind: 'approle';
      mount: string;
      roleId?: string;
      roleIdFile?: string;
      secretIdFile?: string;
      wrappedSecretIdFile?: string;
    }
  | { kind: 'token'; token?: string; tokenFile?: string };

export interface WalletConfig {
  http: { host: string; port: number };
  logLevel: Env['LOG_LEVEL'];
  telemetry: { serviceName: string; otlpEndpoint?: string };
  shutdownTimeoutMs: number;
  vault: {
    address: string;
    namespace?: string;
    caCertFile?: string;
    timeoutMs: number;
    kvMount: string;
    /** Transit mount of vault-transit keys; undefined = every key has wallet custody. */
    transitMount?: string;
    auth: VaultAuthConfig;
    jwtAuthMount: string;
    jwtRole: string;
    userpassMount: string;
  };
  tenantJwt: {
    jwksUrl: string;
    issuer: string;
    audience: string;
    tenantClaim: string;
  };
  serviceJwt: { publicKeysFile: string };
  tenancy: 'single' | 'multi';
  tenantRateLimitPerMinute: number;
  limits: {
    maxInflightRequests: number;
    maxInflightBodyBytes: number;
    bodyTimeoutMs: number;
  };
  quotas: TenantQuotas;
}

/** What one tenant may store (ADR 0009); checked by the wallet before each write. */
export interface TenantQuotas {
  secrets: number;
  keys: number;
  valueBytes: number;
  totalBytes: number;
}

/** Thrown when the environment is unusable; the message lists every problem (never a value). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid wallet configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once into a frozen WalletConfig, failing with every problem at once.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(
  env: Record<string, string | undefined>,
): WalletConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  // Checked on the raw values too, so a refused VAULT_TOKEN is reported with every other problem.
  const auth = vaultAuth(
    parsed.success ? parsed.data : rawAuthEnv(env),
    problems,
  );
  if (!parsed.success || !auth || problems.length > 0)
    throw new ConfigError(problems);
  return deepFreeze(toConfig(parsed.data, auth));
}

type AuthEnv = Pick<
  Env,
  | 'VAULT_TOKEN'
  | 'VAULT_TOKEN_FILE'
  | 'VAULT_APPROLE_MOUNT'
  | 'VAULT_APPROLE_ROLE_ID'
  | 'VAULT_APPROLE_ROLE_ID_FILE'
  | 'VAULT_APPROLE_SECRET_ID_FILE'
  | 'VAULT_APPROLE_WRAPPED_SECRET_ID_FILE'
  | 'WALLET_ALLOW_TOKEN_AUTH'
>;

function rawAuthEnv(env: Record<string, string | undefined>): AuthEnv {
  const text = (key: string) => env[key]?.trim() || undefined;
  return {
    VAULT_TOKEN: text('VAULT_TOKEN'),
    VAULT_TOKEN_FILE: text('VAULT_TOKEN_FILE'),
    VAULT_APPROLE_MOUNT: text('VAULT_APPROLE_MOUNT') ?? 'approle',
    VAULT_APPROLE_ROLE_ID: text('VAULT_APPROLE_ROLE_ID'),
    VAULT_APPROLE_ROLE_ID_FILE: text('VAULT_APPROLE_ROLE_ID_FILE'),
    VAULT_APPROLE_SECRET_ID_FILE: text('VAULT_APPROLE_SECRET_ID_FILE'),
    VAULT_APPROLE_WRAPPED_SECRET_ID_FILE: text(
      'VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
    ),
    WALLET_ALLOW_TOKEN_AUTH:
      env['WALLET_ALLOW_TOKEN_AUTH'] === 'true' ? 'true' : 'false',
  };
}

function vaultAuth(
  env: AuthEnv,
  problems: string[],
): VaultAuthConfig | undefined {
  const hasToken =
    env.VAULT_TOKEN !== undefined || env.VAULT_TOKEN_FILE !== undefined;
  const roleIds = [
    env.VAULT_APPROLE_ROLE_ID,
    env.VAULT_APPROLE_ROLE_ID_FILE,
  ].filter(Boolean).length;
  const secretIds = [
    env.VAULT_APPROLE_SECRET_ID_FILE,
    env.VAULT_APPROLE_WRAPPED_SECRET_ID_FILE,
  ].filter(Boolean).length;
  if (hasToken) {
    // A static token is what Identus ships (root token in the Helm chart); the wallet only
    // takes one when a developer says so explicitly.
    if (env.WALLET_ALLOW_TOKEN_AUTH !== 'true') {
      problems.push(
        'VAULT_TOKEN: static token auth is refused; use AppRole, or set WALLET_ALLOW_TOKEN_AUTH=true for development',
      );
      return undefined;
    }
    if (env.VAULT_TOKEN && env.VAULT_TOKEN_FILE)
      problems.push(
        'VAULT_TOKEN: set VAULT_TOKEN or VAULT_TOKEN_FILE, not both',
      );
    if (roleIds + secretIds > 0)
      problems.push(
        'VAULT_TOKEN: set either a token or AppRole variables, not both',
      );
    return {
      kind: 'token',
      token: env.VAULT_TOKEN,
      tokenFile: env.VAULT_TOKEN_FILE,
    };
  }
  if (roleIds !== 1)
    problems.push(
      'VAULT_APPROLE_ROLE_ID: set exactly one of VAULT_APPROLE_ROLE_ID, VAULT_APPROLE_ROLE_ID_FILE',
    );
  if (secretIds !== 1) {
    problems.push(
      'VAULT_APPROLE_SECRET_ID_FILE: set exactly one of VAULT_APPROLE_SECRET_ID_FILE, VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
    );
  }
  return {
    kind: 'approle',
    mount: env.VAULT_APPROLE_MOUNT,
    roleId: env.VAULT_APPROLE_ROLE_ID,
    roleIdFile: env.VAULT_APPROLE_ROLE_ID_FILE,
    secretIdFile: env.VAULT_APPROLE_SECRET_ID_FILE,
    wrappedSecretIdFile: env.VAULT_APPROLE_WRAPPED_SECRET_ID_FILE,
  };
}

function toConfig(env: Env, auth: VaultAuthConfig): WalletConfig {
  return {
    http: { host: env.HOST, port: env.PORT },
    logLevel: env.LOG_LEVEL,
    telemetry: {
      serviceName: env.OTEL_SERVICE_NAME,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    vault: {
      address: env.VAULT_ADDR,
      namespace: env.VAULT_NAMESPACE,
      caCertFile: env.VAULT_CACERT,
      timeoutMs: env.VAULT_TIMEOUT_MS,
      kvMount: env.VAULT_KV_MOUNT,
      transitMount: env.VAULT_TRANSIT_MOUNT,
      auth,
      jwtAuthMount: env.VAULT_JWT_AUTH_MOUNT,
      jwtRole: env.VAULT_JWT_ROLE,
      userpassMount: env.VAULT_USERPASS_MOUNT,
    },
    tenantJwt: {
      jwksUrl: env.TENANT_JWT_JWKS_URL,
      issuer: env.TENANT_JWT_ISSUER,
      audience: env.TENANT_JWT_AUDIENCE,
      tenantClaim: env.TENANT_JWT_TENANT_CLAIM,
    },
    serviceJwt: { publicKeysFile: env.SERVICE_JWT_PUBLIC_KEYS_FILE },
    tenancy: env.WALLET_TENANCY,
    tenantRateLimitPerMinute: env.WALLET_TENANT_RATE_LIMIT_PER_MINUTE,
    limits: {
      maxInflightRequests: env.WALLET_MAX_INFLIGHT_REQUESTS,
      maxInflightBodyBytes: env.WALLET_MAX_INFLIGHT_BODY_BYTES,
      bodyTimeoutMs: env.WALLET_BODY_TIMEOUT_MS,
    },
    quotas: {
      secrets: env.WALLET_QUOTA_SECRETS,
      keys: env.WALLET_QUOTA_KEYS,
      valueBytes: env.WALLET_QUOTA_VALUE_BYTES,
      totalBytes: env.WALLET_QUOTA_TOTAL_BYTES,
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
