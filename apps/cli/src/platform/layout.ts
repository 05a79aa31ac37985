import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ServiceName = 'vault' | 'wallet' | 'agent' | 'gateway';
export type Phase = 1 | 2 | 3 | 4;

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 9080,
  agent: 8085,
  wallet: 8086,
  vault: 8200,
};

const ENTRY_POINTS: Record<ServiceName, string> = {
  vault: 'apps/vault-dev/dist/main.js',
  wallet: 'apps/wallet/dist/main.js',
  agent: 'apps/agent/dist/main.js',
  gateway: 'apps/gateway-dev/dist/main.js',
};

/** The repository root, found from this file whether it runs from src/ (tests) or dist/. */
export function findRepoRoot(from = __dirname): string {
  let dir = from;
  while (dir !== path.dirname(dir)) {
    if (
      fs.existsSync(path.join(dir, 'nx.json')) &&
      fs.existsSync(path.join(dir, 'deploy'))
    )
      return dir;
    dir = path.dirname(dir);
  }
  throw new Error(
    'cannot find the repository root (nx.json + deploy/) above ' + from,
  );
}

/** Compiled entry point of a service; a clear error when the build has not run. */
export function entryPoint(repoRoot: string, service: ServiceName): string {
  const file = path.join(repoRoot, ENTRY_POINTS[service]);
  if (!fs.existsSync(file))
    throw new Error(
      `${ENTRY_POINTS[service]} is missing: run \`npm run build\` first`,
    );
  return file;
}

/** Writes a credential file readable by the owner only. */
export function writeSecretFile(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}

/** A random credential for the local demo (never a fixed default). */
export function randomSecret(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

/**
 * vault-dev's state key for a --data-dir, kept beside the launcher's run files so a restart
 * with the same directory can decrypt it; generated on first use.
 */
export function unsealKeyFor(repoRoot: string, dataDir: string): string {
  const id = crypto
    .createHash('sha256')
    .update(path.resolve(dataDir))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(repoRoot, '.secret-flows', 'unseal-keys', id);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = crypto.randomBytes(32).toString('base64');
  writeSecretFile(file, key);
  return key;
}
