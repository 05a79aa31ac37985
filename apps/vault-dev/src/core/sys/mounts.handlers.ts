/**
 * sys/mounts, sys/auth, their tune endpoints and sys/internal/ui/mounts (reference §2).
 */
import { VaultError, type BackendRequest, type BackendResponse } from '../backend';
import type { CoreInternals } from '../core-internals';
import { assertMountable, AUTH_TYPES, mountInfo, newMountEntry, normaliseMountPath } from '../mounts/mount-table';
import type { MountEntry } from '../state/vault-state';
import { parseDurationSeconds } from '../util/time-format';

function stringMap(raw: unknown, field: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new VaultError(400, [`error converting input for field "${field}"`]);
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function ttlFrom(config: Record<string, unknown>, name: string): number {
  const raw = config[name];
  if (raw === undefined || raw === null || raw === '' || raw === 'system') return 0;
  const s = parseDurationSeconds(raw);
  if (s === undefined || s < 0) throw new VaultError(400, [`unable to parse ${name}: invalid duration ${JSON.stringify(raw)}`]);
  return s;
}

function enable(core: CoreInternals, rawPath: string, body: Record<string, unknown>, isAuth: boolean): BackendResponse {
  const type = body['type'];
  if (typeof type !== 'string' || type === '') throw new VaultError(400, ['backend type must be specified as a string']);
  const options = stringMap(body['options'], 'options');
  let engineType = type;
  if (type === 'kv-v2') {
    engineType = 'kv';
    options['version'] = '2';
  }
  if (options['version'] !== undefined && engineType !== 'kv') throw new VaultError(400, ['the "version" option is only supported by the kv secrets engine']);
  if (engineType === 'kv' && options['version'] === undefined) options['version'] = '1';
  const isAuthType = AUTH_TYPES.has(engineType);
  if (!core.factories[engineType] || isAuthType !== isAuth || ['identity', 'token', 'cubbyhole', 'system'].includes(engineType)) {
    throw new VaultError(400, [`plugin not found in the catalog: ${type}`]);
  }
  const rel = normaliseMountPath(rawPath);
  assertMountable(rel, isAuth);
  const config = (body['config'] ?? {}) as Record<string, unknown>;
  const entry = newMountEntry({
    path: isAuth ? `auth/${rel}` : rel,
    type: engineType,
    isAuth,
    description: typeof body['description'] === 'string' ? body['description'] : '',
    options,
    defaultLeaseTtlSeconds: ttlFrom(config, 'default_lease_ttl'),
    maxLeaseTtlSeconds: ttlFrom(config, 'max_lease_ttl'),
    local: body['local'] === true,
    sealWrap: body['seal_wrap'] === true,
  });
  try {
    core.mount(entry);
  } catch (err) {
    // The conflict message names the user-visible path (`approle/` for auth mounts).
    if (err instanceof VaultError && err.status === 409 && isAuth) {
      throw new VaultError(409, [err.errors[0].replace('path is already in use at auth/', 'path is already in use at ')]);
    }
    throw err;
  }
  return { kind: 'empty' };
}

function listing(core: CoreInternals, isAuth: boolean): BackendResponse {
  const data: Record<string, unknown> = {};
  for (const entry of core.mounts.all()) {
    if (entry.isAuth !== isAuth) continue;
    data[isAuth ? entry.path.slice('auth/'.length) : entry.path] = mountInfo(entry);
  }
  return { kind: 'data', data };
}

function tuneInfo(entry: MountEntry): Record<string, unknown> {
  const info: Record<string, unknown> = {
    default_lease_ttl: entry.config.defaultLeaseTtlSeconds || 2764800,
    max_lease_ttl: entry.config.maxLeaseTtlSeconds || 2764800,
    force_no_cache: entry.config.forceNoCache,
    description: entry.description,
  };
  if (Object.keys(entry.options).length > 0) info['options'] = entry.options;
  if (entry.isAuth) info['token_type'] = 'default-service';
  return info;
}

function tune(entry: MountEntry, body: Record<string, unknown>): BackendResponse {
  if (body['default_lease_ttl'] !== undefined) entry.config.defaultLeaseTtlSeconds = ttlFrom(body, 'default_lease_ttl');
  if (body['max_lease_ttl'] !== undefined) entry.config.maxLeaseTtlSeconds = ttlFrom(body, 'max_lease_ttl');
  if (typeof body['description'] === 'string') entry.description = body['description'];
  if (body['options'] !== undefined) {
    const options = stringMap(body['options'], 'options');
    if (options['version'] !== undefined && options['version'] !== entry.options['version']) {
      throw new VaultError(400, ['changing the kv version through tune is not supported by vault-dev']);
    }
    Object.assign(entry.options, options);
  }
  return { kind: 'empty' };
}

/** Handles `sys/mounts...` (isAuth=false) and `sys/auth...` (isAuth=true); `rest` follows the prefix. */
export function handleMounts(core: CoreInternals, req: BackendRequest, rest: string, isAuth: boolean): BackendResponse {
  if (rest === '' || rest === '/') {
    if (req.operation !== 'read') throw new VaultError(405, ['1 error occurred:\n\t* unsupported operation\n\n']);
    return listing(core, isAuth);
  }
  const isTune = /\/tune\/?$/.test(rest);
  const rel = normaliseMountPath(isTune ? rest.replace(/\/tune\/?$/, '') : rest);
  const full = isAuth ? `auth/${rel}` : rel;
  if (!isTune && (req.operation === 'create' || req.operation === 'update')) return enable(core, rel, req.data, isAuth);
  const entry = core.mounts.byPath(full);
  if (req.operation === 'delete' && !isTune) {
    if (full === 'sys/' || full === 'identity/' || full === 'cubbyhole/' || full === 'auth/token/') throw new VaultError(400, [`cannot unmount "${rel}"`]);
    core.unmount(full);
    return { kind: 'empty' };
  }
  if (!entry) throw new VaultError(400, [`no matching mount at "${rel}"`]);
  if (isTune && req.operation === 'read') return { kind: 'data', data: tuneInfo(entry) };
  if (isTune && (req.operation === 'create' || req.operation === 'update')) return tune(entry, req.data);
  if (req.operation === 'read') return { kind: 'data', data: mountInfo(entry) };
  throw new VaultError(405, ['1 error occurred:\n\t* unsupported operation\n\n']);
}

/** sys/internal/ui/mounts[/path]: how the CLI detects the KV version of a mount. */
export function handleUiMounts(core: CoreInternals, rest: string): BackendResponse {
  if (rest === '' || rest === '/') {
    const secret: Record<string, unknown> = {};
    const auth: Record<string, unknown> = {};
    for (const e of core.mounts.all()) {
      if (e.isAuth) auth[e.path.slice('auth/'.length)] = mountInfo(e);
      else secret[e.path] = mountInfo(e);
    }
    return { kind: 'data', data: { secret, auth } };
  }
  const entry = core.mounts.match(rest);
  if (!entry) throw new VaultError(403, ['preflight capability check returned 403, please ensure client\'s policies grant access to path "' + rest + '"']);
  return { kind: 'data', data: { ...mountInfo(entry), path: entry.isAuth ? entry.path.slice('auth/'.length) : entry.path } };
}
