/**
 * vault-dev's configuration: one zod schema over the environment and argv, parsed
 * once, failing fast with every problem in one message (docs/configuration.md).
 */
import { z } from 'zod';

export const ENV_KEYS = [
  'VAULT_DEV_LISTEN_ADDRESS',
  'VAULT_DEV_ROOT_TOKEN_ID',
  'VAULT_DEV_UNSEAL_KEY',
  'VAULT_API_ADDR',
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT_MS',
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
}

const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:8200')
  .transform((v) => {
    const i = v.lastIndexOf(':');
    return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(v.slice(i + 1)) };
  })
  .refine((v) => v.port <= 65535, 'port must be <= 65535');

const schema = z.object({
  VAULT_DEV_LISTEN_ADDRESS: listenAddress.optional(),
  VAULT_DEV_ROOT_TOKEN_ID: z.string().min(1).optional(),
  VAULT_DEV_UNSEAL_KEY: z.string().min(1).optional(),
  VAULT_API_ADDR: z.url({ protocol: /^https?$/ }).optional(),
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

function dataDirFrom(argv: string[]): { dataDir: string | undefined; problems: string[] } {
  const problems: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') {
      dataDir = argv[++i];
      if (!dataDir) problems.push('--data-dir needs a directory');
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
    } else {
      problems.push(`unknown argument "${arg}"`);
    }
  }
  return { dataDir, problems };
}

/** Parses env + argv; throws one Error listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[]): Readonly<VaultDevConfig> {
  const parsed = schema.safeParse(env);
  const args = dataDirFrom(argv);
  const problems = [...args.problems];
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (!parsed.success || problems.length > 0) throw new Error(`invalid vault-dev configuration:\n- ${problems.join('\n- ')}`);
  const e = parsed.data;
  return Object.freeze({
    host: e.VAULT_DEV_LISTEN_ADDRESS?.host ?? e.HOST ?? '127.0.0.1',
    port: e.VAULT_DEV_LISTEN_ADDRESS?.port ?? e.PORT ?? 8200,
    rootTokenId: e.VAULT_DEV_ROOT_TOKEN_ID,
    unsealKey: e.VAULT_DEV_UNSEAL_KEY,
    apiAddress: e.VAULT_API_ADDR?.replace(/\/+$/, ''),
    dataDir: args.dataDir,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}
