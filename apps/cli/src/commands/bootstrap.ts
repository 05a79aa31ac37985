import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  VaultAuthError,
  VaultResponseError,
  VaultUnavailableError,
} from '@secret-flows/vault-client';
import {
  bootstrapVault,
  type BootstrapOptions,
} from '../bootstrap/bootstrap-vault';
import type { Phase } from '../bootstrap/spec-file';
import { loadCliEnv } from '../config';
import type { CliIo, Command } from './command';

const USAGE = `usage: secret-flows bootstrap --vault-addr <url> (--token-file <file> | VAULT_TOKEN) --phase 1|2|3|4
                 [--out-dir <dir>] [--wrap-secret-id] [--wrap-ttl <seconds>] [--agent-client-id <id>]
                 [--jwks-url <url>] [--spec-dir <dir>] [--json]

Configures a Vault (vault-dev or real Vault) for a Secret Flows phase from deploy/vault/.
Idempotent: a second run changes nothing and says so. Env: VAULT_ADDR, VAULT_TOKEN,
VAULT_TOKEN_FILE, VAULT_NAMESPACE, VAULT_CACERT, VAULT_TIMEOUT_MS.`;

/** Turns argv + environment into bootstrap options, or throws a usage error. */
export function parseBootstrapArgs(
  argv: string[],
  env: Record<string, string | undefined>,
): BootstrapOptions & { json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'vault-addr': { type: 'string' },
      'token-file': { type: 'string' },
      phase: { type: 'string' },
      'out-dir': { type: 'string' },
      'wrap-secret-id': { type: 'boolean', default: false },
      'wrap-ttl': { type: 'string' },
      'agent-client-id': { type: 'string' },
      'jwks-url': { type: 'string' },
      'spec-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const cfg = loadCliEnv(env);
  const vaultAddr = values['vault-addr'] ?? cfg.vaultAddr;
  if (!vaultAddr)
    throw new UsageError('--vault-addr (or VAULT_ADDR) is required');
  const phase = Number(values.phase);
  if (![1, 2, 3, 4].includes(phase))
    throw new UsageError('--phase must be 1, 2, 3 or 4');
  const tokenFile = values['token-file'] ?? cfg.vaultTokenFile;
  const token = tokenFile
    ? fs.readFileSync(tokenFile, 'utf8').trim()
    : cfg.vaultToken;
  if (!token)
    throw new UsageError(
      'a Vault token is required: --token-file <file>, VAULT_TOKEN_FILE or VAULT_TOKEN',
    );
  const wrapTtl =
    values['wrap-ttl'] === undefined ? undefined : Number(values['wrap-ttl']);
  if (wrapTtl !== undefined && !(Number.isInteger(wrapTtl) && wrapTtl > 0))
    throw new UsageError('--wrap-ttl must be a positive number of seconds');
  return {
    vaultAddr,
    token,
    phase: phase as Phase,
    outDir: values['out-dir'],
    specDir: values['spec-dir'],
    wrapSecretId: values['wrap-secret-id'],
    wrapTtlSeconds: wrapTtl,
    agentClientId: values['agent-client-id'],
    jwksUrl: values['jwks-url'],
    namespace: cfg.vaultNamespace,
    caCertPem: cfg.vaultCaCertFile
      ? fs.readFileSync(cfg.vaultCaCertFile, 'utf8')
      : undefined,
    timeoutMs: cfg.vaultTimeoutMs,
    json: values.json,
  };
}

class UsageError extends Error {}

async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let options: ReturnType<typeof parseBootstrapArgs>;
  try {
    options = parseBootstrapArgs(argv, io.env);
  } catch (error) {
    io.err(`secret-flows bootstrap: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const result = await bootstrapVault(options);
    if (options.json) io.out(JSON.stringify(result));
    else {
      for (const c of result.changes) io.out(`  changed: ${c}`);
      io.out(
        result.changed
          ? `Vault configured for phase ${result.phase} (${result.changes.length} change(s)).`
          : `Vault already matches deploy/vault for phase ${result.phase}: nothing changed.`,
      );
      if (result.summaryFile) io.out(`Summary: ${result.summaryFile}`);
    }
    return 0;
  } catch (error) {
    // Vault's own error text names the path and reason; tokens never reach these messages.
    const known =
      error instanceof VaultResponseError ||
      error instanceof VaultUnavailableError ||
      error instanceof VaultAuthError;
    io.err(
      `secret-flows bootstrap failed: ${known ? (error as Error).message : String((error as Error).message ?? error)}`,
    );
    return 1;
  }
}

export const bootstrapCommand: Command = {
  summary:
    'configure a Vault for a Secret Flows phase from deploy/vault (idempotent)',
  run,
};
