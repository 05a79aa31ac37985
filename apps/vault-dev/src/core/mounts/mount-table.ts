/**
 * The mount table (secrets engines and auth methods) with longest-prefix routing and
 * Vault's list shapes for sys/mounts and sys/auth (Vault docs: /sys API).
 */
import { VaultError } from '../backend';
import { randomHex, uuid } from '../util/ids';
import type { MountEntry } from '../state/vault-state';

export const SYSTEM_MAX_TTL_SECONDS = 768 * 3600;

/** Legacy mount type names and the engine that serves them (Vault's mountAliases in vault/mount.go). */
export const MOUNT_ALIASES: Record<string, string> = { generic: 'kv' };

export const AUTH_TYPES = new Set([
  'token',
  'approle',
  'userpass',
  'jwt',
  'oidc',
  'cert',
  'ldap',
  'kubernetes',
]);

/** Vault names mount accessors `<type>_<8hex>`, auth ones `auth_<type>_<8hex>`. */
export function newMountEntry(fields: {
  path: string;
  type: string;
  isAuth: boolean;
  description?: string;
  options?: Record<string, string>;
  defaultLeaseTtlSeconds?: number;
  maxLeaseTtlSeconds?: number;
  local?: boolean;
  sealWrap?: boolean;
}): MountEntry {
  return {
    path: fields.path,
    type: fields.type,
    accessor: `${fields.isAuth ? 'auth_' : ''}${fields.type}_${randomHex(8)}`,
    uuid: uuid(),
    description: fields.description ?? '',
    options: fields.options ?? {},
    config: {
      defaultLeaseTtlSeconds: fields.defaultLeaseTtlSeconds ?? 0,
      maxLeaseTtlSeconds: fields.maxLeaseTtlSeconds ?? 0,
      forceNoCache: false,
    },
    local: fields.local ?? false,
    sealWrap: fields.sealWrap ?? false,
    isAuth: fields.isAuth,
  };
}

/** Normalises a user-supplied mount path to `a/b/` form. */
export function normaliseMountPath(raw: string): string {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

const PROTECTED_PREFIXES = ['sys/', 'auth/', 'identity/', 'cubbyhole/'];

export interface MountTable {
  all(): MountEntry[];
  byPath(path: string): MountEntry | undefined;
  byAccessor(accessor: string): MountEntry | undefined;
  /** Longest mount whose path prefixes the request path (`secret/data/x` -> `secret/`). */
  match(requestPath: string): MountEntry | undefined;
  add(entry: MountEntry): void;
  remove(path: string): MountEntry | undefined;
}

export function createMountTable(entries: MountEntry[]): MountTable {
  const sorted = (): MountEntry[] =>
    [...entries].sort((a, b) => b.path.length - a.path.length);
  let byLength = sorted();
  return {
    all: () => [...entries].sort((a, b) => a.path.localeCompare(b.path)),
    byPath: (path) => entries.find((e) => e.path === path),
    byAccessor: (accessor) => entries.find((e) => e.accessor === accessor),
    match(requestPath) {
      const withSlash = requestPath.endsWith('/')
        ? requestPath
        : `${requestPath}/`;
      return byLength.find((e) => withSlash.startsWith(e.path));
    },
    add(entry) {
      const clash = entries.find(
        (e) => entry.path.startsWith(e.path) || e.path.startsWith(entry.path),
      );
      if (clash)
        throw new VaultError(409, [`path is already in use at ${clash.path}`]);
      entries.push(entry);
      byLength = sorted();
    },
    remove(path) {
      const i = entries.findIndex((e) => e.path === path);
      if (i === -1) return undefined;
      const [removed] = entries.splice(i, 1);
      byLength = sorted();
      return removed;
    },
  };
}

/** Rejects user mounts on the paths the core itself owns. */
export function assertMountable(path: string, isAuth: boolean): void {
  if (path === '') throw new VaultError(400, ['missing mount path']);
  if (!isAuth && PROTECTED_PREFIXES.some((p) => path.startsWith(p))) {
    throw new VaultError(400, [
      `cannot mount under "${PROTECTED_PREFIXES.find((p) => path.startsWith(p))}"`,
    ]);
  }
}

/** One entry of the sys/mounts or sys/auth listing. */
export function mountInfo(entry: MountEntry): Record<string, unknown> {
  const config: Record<string, unknown> = {
    default_lease_ttl: entry.config.defaultLeaseTtlSeconds,
    force_no_cache: entry.config.forceNoCache,
    max_lease_ttl: entry.config.maxLeaseTtlSeconds,
  };
  if (entry.isAuth) config['token_type'] = 'default-service';
  const lockout = entry.config.userLockout;
  if (lockout) {
    config['user_lockout_config'] = {
      user_lockout_counter_reset_duration: lockout.counterResetSeconds,
      user_lockout_threshold: lockout.threshold,
      user_lockout_duration: lockout.durationSeconds,
      user_lockout_disable: lockout.disable,
    };
  }
  return {
    accessor: entry.accessor,
    config,
    deprecation_status:
      entry.type === 'system' ||
      entry.type === 'identity' ||
      entry.type === 'token'
        ? undefined
        : 'supported',
    description: entry.description,
    external_entropy_access: false,
    local: entry.local,
    options: Object.keys(entry.options).length > 0 ? entry.options : null,
    plugin_version: '',
    running_plugin_version:
      entry.type === 'kv' || entry.isAuth
        ? `v0.0.0+builtin`
        : 'v0.0.0+builtin.vault',
    running_sha256: '',
    seal_wrap: entry.sealWrap,
    type: entry.type,
    uuid: entry.uuid,
  };
}

/** Effective lease limits of a mount: its own tuning, else the system's 768h. */
export function mountTtls(entry: MountEntry | undefined): {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
} {
  const max = entry?.config.maxLeaseTtlSeconds || SYSTEM_MAX_TTL_SECONDS;
  const def = entry?.config.defaultLeaseTtlSeconds || SYSTEM_MAX_TTL_SECONDS;
  return { defaultTtlSeconds: Math.min(def, max), maxTtlSeconds: max };
}
