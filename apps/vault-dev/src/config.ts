/**
 * vault-dev's configuration: one zod schema over the environment and argv, parsed
 * once, failing fast with every problem in one message (docs/configuration.md).
 */
import { z } from 'zod';
import type { VaultDevTlsOptions } from './tls/listener-tls';

export const ENV_KEYS = [
  'VAULT_DEV_LISTEN_ADDRESS',
  'VAULT_DEV_ROOT_TOKEN_ID',
  'VAULT_DEV_UNSEAL_KEY',
  'VAULT_API_ADDR',
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
  'VAULT_DEV_TLS',
  'VAULT_DEV_TLS_CERT_DIR',
  'VAULT_DEV_TLS_SAN',
  'VAULT_DEV_TLS_CERT_FILE',
  'VAULT_DEV_TLS_KEY_FILE',
] as const;

export interface VaultDevConfig {
  host: string;
  port: number;
  rootTokenId: string | undefined;
  unsealKey: string | undefined;
  apiAddress: string | undefined;
  dataDir: string | undefined;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** undefined = plain http. */
  tls: VaultDevTlsOptions | undefined;
}

const listenAddress = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/,
    'must be host:port, e.g. 127.0.0.1:8200',
  )
  .transform((v) => {
    const i = v.lastIndexOf(':');
    return {
      host: v.slice(0, i).replace(/^\[|\]$/g, ''),
      port: Number(v.slice(i + 1)),
    };
  })
  .refine((v) => v.port <= 65535, 'port must be <= 65535');

const schema = z.object({
  VAULT_DEV_LISTEN_ADDRESS: listenAddress.optional(),
  VAULT_DEV_ROOT_TOKEN_ID: z.string().min(1).optional(),
  VAULT_DEV_UNSEAL_KEY: z.string().min(1).optional(),
  VAULT_API_ADDR: z.url({ protocol: /^https?$/ }).optional(),
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  VAULT_DEV_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  VAULT_DEV_TLS_CERT_DIR: z.string().min(1).optional(),
  VAULT_DEV_TLS_SAN: z.string().min(1).optional(),
  VAULT_DEV_TLS_CERT_FILE: z.string().min(1).optional(),
  VAULT_DEV_TLS_KEY_FILE: z.string().min(1).optional(),
});

interface Args {
  dataDir?: string;
  devTls: boolean;
  certDir?: string;
  sans: string[];
  certFile?: string;
  keyFile?: string;
}

const VALUE_FLAGS = new Set([
  'data-dir',
  'dev-tls-cert-dir',
  'dev-tls-san',
  'tls-cert-file',
  'tls-key-file',
]);

/** Splits a comma-separated SAN list, as Vault's repeatable string-slice flags do. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** Flags as Vault spells them (`-dev-tls` or `--dev-tls`, `--flag value` or `--flag=value`). */
function argsFrom(argv: string[]): { args: Args; problems: string[] } {
  const problems: string[] = [];
  const args: Args = { devTls: false, sans: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1] ?? '';
    if (name === 'dev-tls') {
      if (m?.[2] !== undefined && !['true', 'false'].includes(m[2]))
        problems.push('--dev-tls takes no value (or =true / =false)');
      args.devTls = m?.[2] !== 'false';
      continue;
    }
    if (!m || !VALUE_FLAGS.has(name)) {
      problems.push(`unknown argument "${arg}"`);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (!value) {
      problems.push(`--${name} needs a value`);
      continue;
    }
    if (name === 'data-dir') args.dataDir = value;
    else if (name === 'dev-tls-cert-dir') args.certDir = value;
    else if (name === 'dev-tls-san') args.sans.push(...splitList(value));
    else if (name === 'tls-cert-file') args.certFile = value;
    else args.keyFile = value;
  }
  return { args, problems };
}

/** The listener's TLS from flags (which win) and env; problems for contradictory choices. */
function tlsFrom(
  args: Args,
  env: z.infer<typeof schema>,
  problems: string[],
): VaultDevTlsOptions | undefined {
  const devTls =
    args.devTls || env.VAULT_DEV_TLS === 'true' || env.VAULT_DEV_TLS === '1';
  const certDir = args.certDir ?? env.VAULT_DEV_TLS_CERT_DIR;
  const sans = [
    ...args.sans,
    ...(env.VAULT_DEV_TLS_SAN ? splitList(env.VAULT_DEV_TLS_SAN) : []),
  ];
  const certFile = args.certFile ?? env.VAULT_DEV_TLS_CERT_FILE;
  const keyFile = args.keyFile ?? env.VAULT_DEV_TLS_KEY_FILE;
  if (certFile || keyFile) {
    if (!certFile || !keyFile)
      problems.push('--tls-cert-file and --tls-key-file go together');
    if (devTls || certDir || sans.length > 0)
      problems.push(
        '--tls-cert-file/--tls-key-file serve a given certificate: drop --dev-tls, --dev-tls-cert-dir and --dev-tls-san',
      );
    return certFile && keyFile ? { certFile, keyFile } : undefined;
  }
  if (!devTls) {
    if (certDir || sans.length > 0)
      problems.push(
        '--dev-tls-cert-dir and --dev-tls-san need --dev-tls (or VAULT_DEV_TLS=true)',
      );
    return undefined;
  }
  return { ...(certDir ? { certDir } : {}), sans };
}

/** Parses env + argv; throws one Error listing every problem. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  argv: string[],
): Readonly<VaultDevConfig> {
  const parsed = schema.safeParse(env);
  const { args, problems } = argsFrom(argv);
  if (!parsed.success)
    problems.push(
      ...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const tls = parsed.success ? tlsFrom(args, parsed.data, problems) : undefined;
  if (!parsed.success || problems.length > 0)
    throw new Error(
      `invalid vault-dev configuration:\n- ${problems.join('\n- ')}`,
    );
  const e = parsed.data;
  return Object.freeze({
    host: e.VAULT_DEV_LISTEN_ADDRESS?.host ?? e.HOST ?? '127.0.0.1',
    port: e.VAULT_DEV_LISTEN_ADDRESS?.port ?? e.PORT ?? 8200,
    rootTokenId: e.VAULT_DEV_ROOT_TOKEN_ID,
    unsealKey: e.VAULT_DEV_UNSEAL_KEY,
    apiAddress: e.VAULT_API_ADDR?.replace(/\/+$/, ''),
    dataDir: args.dataDir,
    tls,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}
