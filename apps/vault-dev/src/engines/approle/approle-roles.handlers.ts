/** AppRole role CRUD and role-id endpoints (Vault docs: AppRole auth API). */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import {
  badField,
  own,
  parseBool,
  parseDurationSeconds,
  parseInteger,
  parseString,
  storableKey,
} from './field-parsers';
import { parseCidrList } from './cidr';
import { listResponse, multiError, notFound } from './route-table';
import {
  MOUNT_MAX_TTL_S,
  defaultTokenParams,
  parseTokenParams,
  tokenParamsResponse,
} from './token-params';
import type { AppRoleState, RoleEntry } from './approle.state';

export function createRoleHandlers(core: CoreServices, state: AppRoleState) {
  const persist = () => core.persist();

  function roleOrThrow(name: string): RoleEntry {
    const role = own(state.roles, name.toLowerCase());
    if (!role)
      throw new VaultError(404, [
        `role "${name.toLowerCase()}" does not exist`,
      ]);
    return role;
  }

  async function writeRole(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = storableKey(rawName.toLowerCase(), 'role_name');
    if (Buffer.byteLength(name) > 4096)
      badField('role_name is longer than maximum of 4096 bytes');
    const existing = own(state.roles, name);
    const d = req.data;
    const role = applyRoleFields(
      existing ? { ...existing, token: { ...existing.token } } : newRole(name),
      d,
      existing === undefined,
    );
    role.token = parseTokenParams(d, role.token);
    if (
      !role.bindSecretId &&
      role.secretIdBoundCidrs.length === 0 &&
      role.token.tokenBoundCidrs.length === 0
    ) {
      throw new VaultError(500, [
        multiError('at least one constraint should be enabled on the role'),
      ]);
    }
    const requestedRoleId =
      d['role_id'] !== undefined ? parseString(d['role_id'], 'role_id') : '';
    const roleId = storableKey(
      requestedRoleId || role.roleId || core.uuid(),
      'role_id',
    );
    const owner = own(state.roleIdIndex, roleId);
    if (owner !== undefined && owner !== name)
      badField('role_id already in use');
    if (role.roleId && role.roleId !== roleId)
      delete state.roleIdIndex[role.roleId];
    role.roleId = roleId;
    state.roles[name] = role;
    state.roleIdIndex[roleId] = name;
    await persist();
    const warnings: string[] = [];
    if (role.token.tokenMaxTtl > MOUNT_MAX_TTL_S) {
      warnings.push(
        "token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated",
      );
    }
    return { kind: 'empty', ...(warnings.length > 0 ? { warnings } : {}) };
  }

  function readRole(
    _req: BackendRequest,
    [rawName]: string[],
  ): BackendResponse {
    const role = own(state.roles, rawName.toLowerCase()) ?? notFound();
    return {
      kind: 'data',
      data: {
        bind_secret_id: role.bindSecretId,
        local_secret_ids: role.localSecretIds,
        secret_id_bound_cidrs: role.secretIdBoundCidrs,
        secret_id_num_uses: role.secretIdNumUses,
        secret_id_ttl: role.secretIdTtl,
        ...tokenParamsResponse(role.token),
      },
    };
  }

  async function deleteRole(
    _req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const role = own(state.roles, rawName.toLowerCase());
    if (role) {
      delete state.roleIdIndex[role.roleId];
      delete state.roles[role.name];
      await persist();
    }
    return { kind: 'empty' };
  }

  function listRoles(): BackendResponse {
    return listResponse(Object.keys(state.roles).sort());
  }

  function readRoleId(
    _req: BackendRequest,
    [rawName]: string[],
  ): BackendResponse {
    const role = own(state.roles, rawName.toLowerCase()) ?? notFound();
    return { kind: 'data', data: { role_id: role.roleId } };
  }

  async function writeRoleId(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const role = roleOrThrow(rawName);
    const roleId =
      req.data['role_id'] === undefined
        ? ''
        : parseString(req.data['role_id'], 'role_id');
    if (roleId === '') badField('missing role_id');
    storableKey(roleId, 'role_id');
    const owner = own(state.roleIdIndex, roleId);
    if (owner !== undefined && owner !== role.name)
      badField('role_id already in use');
    delete state.roleIdIndex[role.roleId];
    role.roleId = roleId;
    state.roleIdIndex[roleId] = role.name;
    await persist();
    return { kind: 'empty' };
  }

  return {
    writeRole,
    readRole,
    deleteRole,
    listRoles,
    readRoleId,
    writeRoleId,
    roleOrThrow,
  };
}

function newRole(name: string): RoleEntry {
  return {
    name,
    roleId: '',
    bindSecretId: true,
    secretIdBoundCidrs: [],
    secretIdNumUses: 0,
    secretIdTtl: 0,
    localSecretIds: false,
    token: defaultTokenParams(),
    secretIds: {},
    accessors: {},
  };
}

/** Applies the secret-ID fields present in `d`; `local_secret_ids` only counts on create (§4). */
function applyRoleFields(
  role: RoleEntry,
  d: Record<string, unknown>,
  isCreate: boolean,
): RoleEntry {
  if (d['bind_secret_id'] !== undefined)
    role.bindSecretId = parseBool(d['bind_secret_id'], 'bind_secret_id');
  // `bound_cidr_list` is the deprecated name of secret_id_bound_cidrs.
  const cidrField =
    d['secret_id_bound_cidrs'] !== undefined
      ? 'secret_id_bound_cidrs'
      : 'bound_cidr_list';
  if (d[cidrField] !== undefined)
    role.secretIdBoundCidrs = parseCidrList(d[cidrField], cidrField);
  if (d['secret_id_num_uses'] !== undefined)
    role.secretIdNumUses = parseInteger(
      d['secret_id_num_uses'],
      'secret_id_num_uses',
    );
  if (role.secretIdNumUses < 0)
    badField('secret_id_num_uses cannot be negative');
  if (d['secret_id_ttl'] !== undefined)
    role.secretIdTtl = parseDurationSeconds(
      d['secret_id_ttl'],
      'secret_id_ttl',
    );
  if (role.secretIdTtl < 0) badField('secret_id_ttl cannot be negative');
  if (isCreate && d['local_secret_ids'] !== undefined)
    role.localSecretIds = parseBool(d['local_secret_ids'], 'local_secret_ids');
  return role;
}
