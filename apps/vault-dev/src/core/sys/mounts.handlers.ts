/**
 * sys/mounts, sys/auth, their tune endpoints and sys/internal/ui/mounts (Vault docs: /sys API).
 */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { CoreInternals } from '../core-internals';
import {
  assertMountable,
  AUTH_TYPES,
  MOUNT_ALIASES,
  mountInfo,
  newMountEntry,
  normaliseMountPath,
} from '../mounts/mount-table';
import type { MountEntry } from '../state/vault-state';
import { uuid } from '../util/ids';
import { parseDurationSeconds } from '../util/time-format';

function stringMap(raw: unknown, field: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new VaultError(400, [`error converting input for field "${field}"`]);
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
      k,
      String(v),
    ]),
  );
}

function ttlFrom(config: Record<string, unknown>, name: string): number {
  const raw = config[name];
  if (raw === undefined || raw === null || raw === '' || raw === 'system')
    return 0;
  const s = parseDurationSeconds(raw);
  if (s === undefined || s < 0)
    throw new VaultError(400, [
      `unable to parse ${name}: invalid duration ${JSON.stringify(raw)}`,
    ]);
  return s;
}

/**
 * Mount settings Vault honours (MountConfigInput in vault/logical_system.go) that vault-dev does
 * not implement: a non-default value is refused with a 400 rather than answered 204 and ignored.
 * Empty values and the defaults pass (clients often send them).
 */
const UNSUPPORTED_MOUNT_CONFIG: Record<string, (v: unknown) => boolean> = {
  audit_non_hmac_request_keys: isEmptyValue,
  audit_non_hmac_response_keys: isEmptyValue,
  listing_visibility: (v) => isEmptyValue(v) || v === 'hidden',
  passthrough_request_headers: isEmptyValue,
  allowed_response_headers: isEmptyValue,
  allowed_managed_keys: isEmptyValue,
  plugin_version: isEmptyValue,
  token_type: (v) => isEmptyValue(v) || v === 'default-service',
  force_no_cache: (v) => v === undefined || v === null || v === false,
};

function isEmptyValue(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0)
  );
}

function refuseUnsupported(
  values: Record<string, unknown>,
  where: string,
): void {
  const refused = Object.keys(UNSUPPORTED_MOUNT_CONFIG)
    .filter((k) => k in values && !UNSUPPORTED_MOUNT_CONFIG[k](values[k]))
    .sort();
  if (refused.length > 0) {
    throw new VaultError(400, [
      `vault-dev does not implement these ${where} settings: [${refused.join(' ')}]`,
    ]);
  }
}

function enable(
  core: CoreInternals,
  rawPath: string,
  body: Record<string, unknown>,
  isAuth: boolean,
): BackendResponse {
  const rawConfig = body['config'];
  if (
    rawConfig !== undefined &&
    rawConfig !== null &&
    (typeof rawConfig !== 'object' || Array.isArray(rawConfig))
  ) {
    throw new VaultError(400, ['error converting input for field "config"']);
  }
  refuseUnsupported(
    (rawConfig ?? {}) as Record<string, unknown>,
    'mount config',
  );
  if (body['external_entropy_access'] === true)
    throw new VaultError(400, [
      'vault-dev does not implement these mount settings: [external_entropy_access]',
    ]);
  if (
    typeof body['plugin_version'] === 'string' &&
    body['plugin_version'] !== ''
  )
    throw new VaultError(400, [
      'vault-dev does not implement these mount settings: [plugin_version]',
    ]);
  const type = body['type'];
  if (typeof type !== 'string' || type === '')
    throw new VaultError(400, ['backend type must be specified as a string']);
  const options = stringMap(body['options'], 'options');
  let engineType = type;
  if (type === 'kv-v2') {
    engineType = 'kv';
    options['version'] = '2';
  }
  if (type === 'kv-v1') {
    engineType = 'kv';
    options['version'] = '1';
  }
  // Vault's handleMount: only kv (and its kv-v1/kv-v2 aliases) takes a version option.
  if (
    !isAuth &&
    options['version'] !== undefined &&
    options['version'] !== '' &&
    engineType !== 'kv'
  ) {
    throw new VaultError(400, [
      `secrets engine "${engineType}" does not allow setting a version`,
    ]);
  }
  if (engineType === 'kv' && options['version'] === undefined)
    options['version'] = '1';
  const isAuthType = AUTH_TYPES.has(engineType);
  const factoryType = MOUNT_ALIASES[engineType] ?? engineType;
  if (
    !core.factories[factoryType] ||
    isAuthType !== isAuth ||
    ['identity', 'token', 'cubbyhole', 'system'].includes(engineType)
  ) {
    throw new VaultError(400, [`plugin not found in the catalog: ${type}`]);
  }
  const rel = normaliseMountPath(rawPath);
  assertMountable(rel, isAuth);
  const config = (body['config'] ?? {}) as Record<string, unknown>;
  const entry = newMountEntry({
    path: isAuth ? `auth/${rel}` : rel,
    type: engineType,
    isAuth,
    description:
      typeof body['description'] === 'string' ? body['description'] : '',
    options,
    defaultLeaseTtlSeconds: ttlFrom(config, 'default_lease_ttl'),
    maxLeaseTtlSeconds: ttlFrom(config, 'max_lease_ttl'),
    local: body['local'] === true,
    sealWrap: body['seal_wrap'] === true,
  });
  // handleEnableAuth applies config.user_lockout_config as the tune does.
  if (isAuth) tuneLockout(entry, config['user_lockout_config']);
  try {
    core.mount(entry);
  } catch (err) {
    // The conflict message names the user-visible path (`approle/` for auth mounts).
    if (err instanceof VaultError && err.status === 409 && isAuth) {
      throw new VaultError(409, [
        err.errors[0].replace(
          'path is already in use at auth/',
          'path is already in use at ',
        ),
      ]);
    }
    throw err;
  }
  return { kind: 'empty' };
}

function listing(core: CoreInternals, isAuth: boolean): BackendResponse {
  const data: Record<string, unknown> = {};
  for (const entry of core.mounts.all()) {
    if (entry.isAuth !== isAuth) continue;
    data[isAuth ? entry.path.slice('auth/'.length) : entry.path] =
      mountInfo(entry);
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
  Object.assign(info, lockoutView(entry));
  return info;
}

/** The tune read's user_lockout_* keys, present once a lockout config was tuned (handleTuneReadCommon). */
export function lockoutView(entry: MountEntry): Record<string, unknown> {
  const l = entry.config.userLockout;
  if (!l) return {};
  return {
    user_lockout_counter_reset_duration: l.counterResetSeconds,
    user_lockout_threshold: l.threshold,
    user_lockout_duration: l.durationSeconds,
    user_lockout_disable: l.disable,
  };
}

/**
 * `user_lockout_config` of an auth tune (Vault's handleTuneWriteCommon): string values
 * (JSON numbers are accepted, as Vault's json.Number decodes into them), "system" resets a
 * duration, only userpass / approle / ldap mounts take it.
 */
function tuneLockout(entry: MountEntry, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new VaultError(400, [
      'unable to convert given user lockout config information',
    ]);
  const cfg = raw as Record<string, unknown>;
  if (Object.keys(cfg).length === 0) return;
  const str = (k: string): string | undefined => {
    const v = cfg[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number') return String(v);
    if (typeof v !== 'string')
      throw new VaultError(400, [
        'unable to convert given user lockout config information',
      ]);
    return v;
  };
  const threshold = str('lockout_threshold');
  const duration = str('lockout_duration');
  const reset = str('lockout_counter_reset_duration');
  const disable = cfg['lockout_disable'];
  if (disable !== undefined && disable !== null && typeof disable !== 'boolean')
    throw new VaultError(400, [
      'unable to convert given user lockout config information',
    ]);
  if (!['ldap', 'approle', 'userpass'].includes(entry.type.toLowerCase())) {
    throw new VaultError(400, [
      `tuning of user lockout configuration for auth type "${entry.type}" not allowed`,
    ]);
  }
  const next = {
    ...(entry.config.userLockout ?? {
      threshold: 0,
      durationSeconds: 0,
      counterResetSeconds: 0,
      disable: false,
    }),
  };
  if (threshold !== undefined && threshold !== '') {
    if (!/^\d+$/.test(threshold))
      throw new VaultError(400, [
        `unable to parse user lockout threshold: strconv.ParseUint: parsing ${JSON.stringify(threshold)}: invalid syntax`,
      ]);
    next.threshold = Number(threshold);
  }
  const lockoutDuration = (v: string): number => {
    if (v === 'system') return 0;
    const s = parseDurationSeconds(v);
    if (s === undefined)
      throw new VaultError(400, [
        `time: invalid duration ${JSON.stringify(v)}`,
      ]);
    return s;
  };
  if (duration !== undefined && duration !== '')
    next.durationSeconds = lockoutDuration(duration);
  if (reset !== undefined && reset !== '')
    next.counterResetSeconds = lockoutDuration(reset);
  if (typeof disable === 'boolean') next.disable = disable;
  entry.config.userLockout = next;
}

function tune(
  entry: MountEntry,
  body: Record<string, unknown>,
): BackendResponse {
  refuseUnsupported(body, 'tune');
  if (entry.isAuth) tuneLockout(entry, body['user_lockout_config']);
  if (body['default_lease_ttl'] !== undefined)
    entry.config.defaultLeaseTtlSeconds = ttlFrom(body, 'default_lease_ttl');
  if (body['max_lease_ttl'] !== undefined)
    entry.config.maxLeaseTtlSeconds = ttlFrom(body, 'max_lease_ttl');
  if (typeof body['description'] === 'string')
    entry.description = body['description'];
  if (body['options'] !== undefined) {
    const options = stringMap(body['options'], 'options');
    if (
      options['version'] !== undefined &&
      options['version'] !== entry.options['version']
    ) {
      throw new VaultError(400, [
        'changing the kv version through tune is not supported by vault-dev',
      ]);
    }
    Object.assign(entry.options, options);
  }
  return { kind: 'empty' };
}

/** Handles `sys/mounts...` (isAuth=false) and `sys/auth...` (isAuth=true); `rest` follows the prefix. */
export function handleMounts(
  core: CoreInternals,
  req: BackendRequest,
  rest: string,
  isAuth: boolean,
): BackendResponse {
  if (rest === '' || rest === '/') {
    if (req.operation !== 'read')
      throw new VaultError(405, [
        '1 error occurred:\n\t* unsupported operation\n\n',
      ]);
    return listing(core, isAuth);
  }
  const isTune = /\/tune\/?$/.test(rest);
  const rel = normaliseMountPath(
    isTune ? rest.replace(/\/tune\/?$/, '') : rest,
  );
  const full = isAuth ? `auth/${rel}` : rel;
  if (!isTune && (req.operation === 'create' || req.operation === 'update'))
    return enable(core, rel, req.data, isAuth);
  const entry = core.mounts.byPath(full);
  if (req.operation === 'delete' && !isTune) {
    if (
      full === 'sys/' ||
      full === 'identity/' ||
      full === 'cubbyhole/' ||
      full === 'auth/token/'
    )
      throw new VaultError(400, [`cannot unmount "${rel}"`]);
    core.unmount(full);
    return { kind: 'empty' };
  }
  if (!entry) throw new VaultError(400, [`no matching mount at "${rel}"`]);
  if (isTune && req.operation === 'read')
    return { kind: 'data', data: tuneInfo(entry) };
  if (isTune && (req.operation === 'create' || req.operation === 'update'))
    return tune(entry, req.data);
  if (req.operation === 'read') return { kind: 'data', data: mountInfo(entry) };
  throw new VaultError(405, [
    '1 error occurred:\n\t* unsupported operation\n\n',
  ]);
}

/** sys/internal/ui/mounts[/path]: how the CLI detects the KV version of a mount. */
export function handleUiMounts(
  core: CoreInternals,
  rest: string,
): BackendResponse {
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
  if (!entry)
    throw new VaultError(403, [
      'preflight capability check returned 403, please ensure client\'s policies grant access to path "' +
        rest +
        '"',
    ]);
  return {
    kind: 'data',
    data: {
      ...mountInfo(entry),
      path: entry.isAuth ? entry.path.slice('auth/'.length) : entry.path,
    },
  };
}

const PROTECTED_MOUNTS = ['audit/', 'auth/', 'sys/', 'cubbyhole/', 'identity/'];
const PROTECTED_AUTHS = ['auth/token'];

/**
 * sys/remount {from, to} (Vault's handleRemount in logical_system.go): answers a migration id
 * with Vault's "queued" warning; vault-dev moves the mount before answering, so the status
 * (sys/remount/status/:id) is already `success`.
 */
export function handleRemount(
  core: CoreInternals,
  req: BackendRequest,
  rest: string,
): BackendResponse {
  const migrations = (core.state.remountMigrations ??= {});
  if (rest.startsWith('status/')) {
    if (req.operation !== 'read')
      throw new VaultError(405, [
        '1 error occurred:\n\t* unsupported operation\n\n',
      ]);
    const id = rest.slice('status/'.length).replace(/\/$/, '');
    const info = migrations[id];
    if (!info) throw new VaultError(404, []);
    return { kind: 'data', data: { migration_id: id, migration_info: info } };
  }
  if (rest !== '' || (req.operation !== 'update' && req.operation !== 'create'))
    throw new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
  const from = typeof req.data['from'] === 'string' ? req.data['from'] : '';
  const to = typeof req.data['to'] === 'string' ? req.data['to'] : '';
  if (from === '' || to === '')
    throw new VaultError(400, [
      "both 'from' and 'to' path must be specified as a string",
    ]);
  if (from.trim() !== from)
    throw new VaultError(400, [
      "'from' path cannot contain trailing whitespace",
    ]);
  if (to.trim() !== to)
    throw new VaultError(400, ["'to' path cannot contain trailing whitespace"]);
  const src = normaliseMountPath(from);
  const dst = normaliseMountPath(to);
  if (dst === '')
    throw new VaultError(400, [`invalid destination mount path "${to}"`]);
  if (src.startsWith('auth/')) {
    if (!dst.startsWith('auth/'))
      throw new VaultError(400, [
        `cannot remount auth mount to non-auth mount "${dst}"`,
      ]);
    if (PROTECTED_AUTHS.some((p) => src.startsWith(p)))
      throw new VaultError(400, [`cannot remount "${src}"`]);
    if (PROTECTED_AUTHS.some((p) => dst.startsWith(p)))
      throw new VaultError(400, [`cannot remount to destination "${dst}"`]);
  } else {
    for (const p of PROTECTED_MOUNTS) {
      if (src.startsWith(p))
        throw new VaultError(400, [`cannot remount "${src}"`]);
      if (dst.startsWith(p))
        throw new VaultError(400, [`cannot remount to destination ${dst}`]);
    }
  }
  const entry = core.mounts.match(src);
  if (!entry) throw new VaultError(400, [`no matching mount at "${src}"`]);
  const clash = core.mounts
    .all()
    .find(
      (e) => e !== entry && (dst.startsWith(e.path) || e.path.startsWith(dst)),
    );
  if (clash)
    throw new VaultError(400, [`path already in use at "${clash.path}"`]);
  core.remount(entry.path, dst);
  const id = uuid();
  migrations[id] = { source_mount: src, target_mount: dst, status: 'success' };
  return {
    kind: 'data',
    data: { migration_id: id },
    warnings: [
      "Mount move has been queued. Progress will be reported in Vault's server log, tagged with the returned migration_id",
    ],
  };
}

/** sys/locked-users (list) and sys/locked-users/:mount_accessor/unlock/:alias_identifier (Vault 1.13+ handleUnlockUser: 204). */
export function handleLockedUsers(
  core: CoreInternals,
  req: BackendRequest,
  rest: string,
): BackendResponse {
  if ((rest === '' || rest === '/') && req.operation === 'read') {
    // GET sys/locked-users[?mount_accessor=] (logical_system_user_lockout.go handleLockedUsersQuery).
    const only =
      typeof req.data['mount_accessor'] === 'string'
        ? req.data['mount_accessor']
        : '';
    const locked = core.lockout.locked((a) => core.mounts.byAccessor(a));
    const accessors = Object.keys(locked)
      .filter((a) => only === '' || a === only)
      .map((a) => ({
        mount_accessor: a,
        counts: locked[a].length,
        alias_identifiers: locked[a],
      }))
      .sort((x, y) => y.counts - x.counts);
    const total = accessors.reduce((n, a) => n + a.counts, 0);
    return {
      kind: 'data',
      data: {
        by_namespace: [
          {
            namespace_id: 'root',
            namespace_path: '',
            counts: total,
            mount_accessors: accessors,
          },
        ],
        total,
      },
    };
  }
  const m = /^([^/]+)\/unlock\/(.+?)\/?$/.exec(rest);
  if (!m || (req.operation !== 'update' && req.operation !== 'create'))
    throw new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
  core.lockout.unlock(m[1], m[2]);
  return { kind: 'empty' };
}
