/** AppRole secret-ID issue, lookup, destroy and listing (Vault docs: AppRole auth API). */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import {
  ZERO_TIME,
  badField,
  formatTime,
  own,
  parseDurationSeconds,
  parseInteger,
  parseString,
  parseStringMap,
} from './field-parsers';
import { cidrWithin, parseCidrList } from './cidr';
import { listResponse } from './route-table';
import { MOUNT_MAX_TTL_S } from './token-params';
import {
  deleteSecretId,
  hashSecretId,
  liveSecretId,
  type AppRoleState,
  type RoleEntry,
  type SecretIdEntry,
} from './approle.state';

export function createSecretIdHandlers(
  core: CoreServices,
  state: AppRoleState,
  roleOrThrow: (name: string) => RoleEntry,
) {
  async function issue(
    req: BackendRequest,
    role: RoleEntry,
    secretId: string,
  ): Promise<BackendResponse> {
    if (!role.bindSecretId) badField('bind_secret_id is not set on the role');
    const d = req.data;
    const cidrList = parseCidrList(d['cidr_list'], 'cidr_list');
    const tokenBoundCidrs = parseCidrList(
      d['token_bound_cidrs'],
      'token_bound_cidrs',
    );
    requireSubset(cidrList, role.secretIdBoundCidrs, 'cidr_list');
    requireSubset(
      tokenBoundCidrs,
      role.token.tokenBoundCidrs,
      'token_bound_cidrs',
    );
    const numUses =
      d['num_uses'] === undefined
        ? role.secretIdNumUses
        : parseInteger(d['num_uses'], 'num_uses');
    if (numUses < 0) badField('num_uses cannot be negative');
    if (
      role.secretIdNumUses > 0 &&
      (numUses === 0 || numUses > role.secretIdNumUses)
    ) {
      badField("num_uses cannot be higher than the role's secret_id_num_uses");
    }
    let ttl =
      d['ttl'] === undefined
        ? role.secretIdTtl
        : parseDurationSeconds(d['ttl'], 'ttl');
    if (ttl < 0) badField('ttl cannot be negative');
    if (role.secretIdTtl > 0 && (ttl === 0 || ttl > role.secretIdTtl))
      badField("ttl cannot be longer than the role's secret_id_ttl");
    // A finite TTL is capped to the mount's max lease TTL, and the response shows the cap (hashicorp/vault#8020).
    if (ttl > MOUNT_MAX_TTL_S) ttl = MOUNT_MAX_TTL_S;
    const hash = hashSecretId(state, secretId);
    if (role.secretIds[hash]) badField('SecretID is already registered');
    const now = core.now();
    const entry: SecretIdEntry = {
      accessor: core.uuid(),
      cidrList,
      tokenBoundCidrs,
      metadata: parseStringMap(d['metadata'], 'metadata'),
      numUses,
      ttlSeconds: ttl,
      creationMs: now,
      expirationMs: ttl > 0 ? now + ttl * 1000 : 0,
      lastUpdatedMs: now,
    };
    role.secretIds[hash] = entry;
    role.accessors[entry.accessor] = hash;
    await core.persist();
    return {
      kind: 'data',
      data: {
        secret_id: secretId,
        secret_id_accessor: entry.accessor,
        secret_id_ttl: ttl,
        secret_id_num_uses: numUses,
      },
    };
  }

  function generate(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    return issue(req, roleOrThrow(name), core.uuid());
  }

  function custom(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const role = roleOrThrow(name);
    const secretId =
      req.data['secret_id'] === undefined
        ? ''
        : parseString(req.data['secret_id'], 'secret_id');
    if (secretId === '') badField('missing secret_id');
    return issue(req, role, secretId);
  }

  function list(_req: BackendRequest, [name]: string[]): BackendResponse {
    const role = roleOrThrow(name);
    const now = core.now();
    return listResponse(
      Object.entries(role.secretIds)
        .filter(([hash]) => liveSecretId(role, hash, now))
        .map(([, e]) => e.accessor)
        .sort(),
    );
  }

  function lookup(req: BackendRequest, [name]: string[]): BackendResponse {
    const role = roleOrThrow(name);
    const entry = liveSecretId(
      role,
      hashSecretId(state, requiredField(req, 'secret_id')),
      core.now(),
    );
    // Vault answers an unknown secret_id lookup with 204, not 404 (§4).
    return entry ? { kind: 'data', data: describe(entry) } : { kind: 'empty' };
  }

  async function destroy(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const role = roleOrThrow(name);
    deleteSecretId(role, hashSecretId(state, requiredField(req, 'secret_id')));
    await core.persist();
    return { kind: 'empty' };
  }

  function lookupByAccessor(
    req: BackendRequest,
    [name]: string[],
  ): BackendResponse {
    const role = roleOrThrow(name);
    const accessor = requiredField(req, 'secret_id_accessor');
    const hash = own(role.accessors, accessor);
    const entry =
      hash === undefined ? undefined : liveSecretId(role, hash, core.now());
    if (entry) return { kind: 'data', data: describe(entry) };
    // Vault answers with an envelope-shaped 404 carrying data.error, not an errors list (§4).
    return {
      kind: 'data',
      status: 404,
      data: {
        error: `failed to find accessor entry for secret_id_accessor: "${accessor}"`,
      },
    };
  }

  async function destroyByAccessor(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const role = roleOrThrow(name);
    const accessor = requiredField(req, 'secret_id_accessor');
    const hash = own(role.accessors, accessor);
    if (hash === undefined)
      throw new VaultError(400, [
        `failed to find accessor entry for secret_id_accessor: "${accessor}"`,
      ]);
    deleteSecretId(role, hash);
    await core.persist();
    return { kind: 'empty' };
  }

  return {
    generate,
    custom,
    list,
    lookup,
    destroy,
    lookupByAccessor,
    destroyByAccessor,
  };
}

function requiredField(req: BackendRequest, field: string): string {
  const value =
    req.data[field] === undefined ? '' : parseString(req.data[field], field);
  if (value === '') badField(`missing ${field}`);
  return value;
}

/** A secret ID's CIDRs must stay inside the role's own restriction, when it has one. */
function requireSubset(
  cidrs: string[],
  roleCidrs: string[],
  field: string,
): void {
  if (roleCidrs.length === 0) return;
  for (const cidr of cidrs) {
    if (!cidrWithin(cidr, roleCidrs)) {
      badField(
        `failed to verify the CIDR restrictions set on the role: ${field} "${cidr}" is not a subset of the role's CIDRs`,
      );
    }
  }
}

function describe(entry: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: entry.cidrList,
    creation_time: formatTime(entry.creationMs),
    expiration_time:
      entry.expirationMs > 0 ? formatTime(entry.expirationMs) : ZERO_TIME,
    last_updated_time: formatTime(entry.lastUpdatedMs),
    metadata: entry.metadata,
    secret_id_accessor: entry.accessor,
    secret_id_num_uses: entry.numUses,
    secret_id_ttl: entry.ttlSeconds,
    token_bound_cidrs: entry.tokenBoundCidrs,
  };
}
