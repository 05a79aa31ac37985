import { z } from 'zod';

/** Environment variables the CLI reads (docs/configuration.md); flags take precedence. */
export const ENV_KEYS = [
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_TOKEN_FILE',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'VAULT_TIMEOUT_MS',
] as const;

const envSchema = z.object({
  VAULT_ADDR: z.url().optional(),
  VAULT_TOKEN: z.string().min(1).optional(),
  VAULT_TOKEN_FILE: z.string().min(1).optional(),
  VAULT_NAMESPACE: z.string().optional(),
  VAULT_CACERT: z.string().min(1).optional(),
  VAULT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
});

export interface CliEnv {
  vaultAddr?: string;
  vaultToken?: string;
  vaultTokenFile?: string;
  vaultNamespace?: string;
  vaultCaCertFile?: string;
  vaultTimeoutMs: number;
}

/** Parses the CLI's environment once, reporting every problem in one message (values never echoed). */
export function loadCliEnv(
  env: Record<string, string | undefined>,
): Readonly<CliEnv> {
  const picked = Object.fromEntries(
    ENV_KEYS.map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    throw new Error(
      `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  return Object.freeze({
    vaultAddr: e.VAULT_ADDR,
    vaultToken: e.VAULT_TOKEN,
    vaultTokenFile: e.VAULT_TOKEN_FILE,
    vaultNamespace: e.VAULT_NAMESPACE,
    vaultCaCertFile: e.VAULT_CACERT,
    vaultTimeoutMs: e.VAULT_TIMEOUT_MS,
  });
}
