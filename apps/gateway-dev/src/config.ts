import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/** Every environment variable gateway-dev reads (itself or through apisix.yaml). */
export const ENV_KEYS = [
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'GATEWAY_CONFIG',
  'GATEWAY_NODE_CONFIG',
  'GATEWAY_RELOAD_INTERVAL_MS',
  'GATEWAY_MAX_CONCURRENT_REQUESTS',
  'GATEWAY_MAX_BUFFERED_BODY_BYTES',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  // Substituted into deploy/apisix/apisix.yaml:
  'AGENT_UPSTREAM',
  'AGENT_UPSTREAM_HOST',
  'AGENT_UPSTREAM_PORT',
  'VAULT_UPSTREAM',
  'VAULT_UPSTREAM_HOST',
  'VAULT_UPSTREAM_PORT',
  'VAULT_UPSTREAM_SCHEME',
  'GATEWAY_DEMO_API_KEY',
  'GATEWAY_RATE_LIMIT_COUNT',
  'GATEWAY_RATE_LIMIT_WINDOW_SECONDS',
  'GATEWAY_LOGIN_RATE_LIMIT_COUNT',
  // Substituted into deploy/apisix/config.yaml:
  'GATEWAY_UPSTREAM_CA_FILE',
] as const;

const HOST_PORT = /^([^:/\s]+):(\d{1,5})$/;
const hostPort = z.string().regex(HOST_PORT, 'must be host:port').optional();

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(9080),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  GATEWAY_CONFIG: z.string().min(1).optional(),
  GATEWAY_NODE_CONFIG: z.string().min(1).optional(),
  GATEWAY_RELOAD_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  GATEWAY_MAX_CONCURRENT_REQUESTS: z.coerce
    .number()
    .int()
    .positive()
    .default(1024),
  GATEWAY_MAX_BUFFERED_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('gateway-dev'),
  AGENT_UPSTREAM: hostPort,
  VAULT_UPSTREAM: hostPort,
});

/** gateway-dev's configuration, parsed once from the environment. */
export interface GatewayDevConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly shutdownTimeoutMs: number;
  readonly configPath: string;
  /** APISIX's config.yaml; undefined = the one next to configPath, if any. */
  readonly nodeConfigPath: string | undefined;
  /** Requests in flight and buffered body bytes beyond which the gateway answers 503 + Retry-After. */
  readonly limits: {
    readonly maxConcurrentRequests: number;
    readonly maxBufferedBodyBytes: number;
  };
  /** How often apisix.yaml is checked for changes; 0 = never (restart to apply). */
  readonly reloadIntervalMs: number;
  /** OTLP/HTTP collector base URL; unset means no spans are recorded. */
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  /** The environment apisix.yaml is resolved against (see {@link withUpstreamShorthands}). */
  readonly substitutionEnv: Readonly<Record<string, string | undefined>>;
}

/** Parses the environment, failing with every problem in one message. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): GatewayDevConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid gateway-dev configuration: ${problems}`);
  }
  return Object.freeze({
    host: parsed.data.HOST,
    port: parsed.data.PORT,
    logLevel: parsed.data.LOG_LEVEL,
    shutdownTimeoutMs: parsed.data.SHUTDOWN_TIMEOUT_MS,
    configPath: resolveConfigPath(parsed.data.GATEWAY_CONFIG, cwd),
    nodeConfigPath: parsed.data.GATEWAY_NODE_CONFIG
      ? path.resolve(cwd, parsed.data.GATEWAY_NODE_CONFIG)
      : undefined,
    reloadIntervalMs: parsed.data.GATEWAY_RELOAD_INTERVAL_MS,
    limits: {
      maxConcurrentRequests: parsed.data.GATEWAY_MAX_CONCURRENT_REQUESTS,
      maxBufferedBodyBytes: parsed.data.GATEWAY_MAX_BUFFERED_BODY_BYTES,
    },
    otlpEndpoint: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: parsed.data.OTEL_SERVICE_NAME,
    substitutionEnv: Object.freeze(withUpstreamShorthands(env)),
  });
}

/**
 * apisix.yaml needs host and port apart (substitution never touches map keys), while the
 * launcher speaks `AGENT_UPSTREAM=host:port`: split the shorthand unless the parts are set.
 */
export function withUpstreamShorthands(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env };
  for (const prefix of ['AGENT_UPSTREAM', 'VAULT_UPSTREAM']) {
    const shorthand = env[prefix];
    if (!shorthand) continue;
    const match = HOST_PORT.exec(shorthand);
    if (!match)
      throw new Error(
        `invalid gateway-dev configuration: ${prefix}: must be host:port`,
      );
    result[`${prefix}_HOST`] ??= match[1];
    result[`${prefix}_PORT`] ??= match[2];
  }
  return result;
}

const DEFAULT_CONFIG = path.join('deploy', 'apisix', 'apisix.yaml');

/**
 * GATEWAY_CONFIG relative to the working directory; by default deploy/apisix/apisix.yaml from
 * the working directory upwards, then from this package upwards (the repository root).
 */
export function resolveConfigPath(
  configured: string | undefined,
  cwd: string,
): string {
  if (configured) return path.resolve(cwd, configured);
  for (const start of [cwd, __dirname]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, DEFAULT_CONFIG);
      if (fs.existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  return path.resolve(cwd, DEFAULT_CONFIG);
}
