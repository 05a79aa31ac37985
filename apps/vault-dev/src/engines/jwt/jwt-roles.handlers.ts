/** auth/jwt/role/* (Vault docs: JWT/OIDC auth API): role_type, bound constraints, claim mappings, token fields. */
import type {
  BackendRequest,
  BackendResponse,
  CoreServices,
} from '../../core/backend';
import {
  badField,
  own,
  parseBool,
  parseDurationSeconds,
  parseInteger,
  parseString,
  parseStringList,
  storableKey,
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import {
  defaultTokenParams,
  parseTokenParams,
  tokenParamsResponse,
} from '../approle/token-params';
import type { JwtRole, JwtState } from './jwt.state';

export function createRoleHandlers(core: CoreServices, state: JwtState) {
  async function writeRole(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = storableKey(rawName.toLowerCase(), 'name');
    const d = req.data;
    const has = (k: string) => d[k] !== undefined && d[k] !== null;
    const role: JwtRole = { ...(own(state.roles, name) ?? newRole(name)) };
    const fields = role as unknown as Record<string, unknown>;
    for (const [field, prop, parse] of ROLE_FIELDS) {
      if (has(field)) fields[prop] = parse(d[field], field);
    }
    // Vault's role aliases: ttl/max_ttl/num_uses/bound_cidrs map onto the token_* fields.
    const legacy: Record<string, unknown> = {};
    for (const [from, to] of LEGACY_TOKEN_FIELDS) {
      if (has(from) && !has(to)) legacy[to] = d[from];
    }
    if (has('num_uses') && parseInteger(d['num_uses'], 'num_uses') < 0)
      badField('num_uses cannot be negative');
    // The JWT plugin reports a TTL above the max with its own text (§8).
    role.token = parseTokenParams(
      { ...d, ...legacy },
      role.token,
      'ttl should not be greater than max ttl',
    );
    validate(role);
    state.roles[name] = role;
    await core.persist();
    return { kind: 'empty' };
  }

  function readRole(_req: BackendRequest, [name]: string[]): BackendResponse {
    const r = own(state.roles, name.toLowerCase()) ?? notFound();
    return {
      kind: 'data',
      data: {
        role_type: r.roleType,
        user_claim: r.userClaim,
        user_claim_json_pointer: r.userClaimJsonPointer,
        bound_audiences: r.boundAudiences,
        bound_subject: r.boundSubject,
        bound_claims:
          Object.keys(r.boundClaims).length > 0 ? r.boundClaims : null,
        bound_claims_type: r.boundClaimsType,
        claim_mappings:
          Object.keys(r.claimMappings).length > 0 ? r.claimMappings : null,
        groups_claim: r.groupsClaim,
        clock_skew_leeway: r.clockSkewLeeway,
        expiration_leeway: r.expirationLeeway,
        not_before_leeway: r.notBeforeLeeway,
        allowed_redirect_uris: r.allowedRedirectUris,
        oidc_scopes: [],
        verbose_oidc_logging: false,
        max_age: 0,
        ...tokenParamsResponse(r.token),
      },
    };
  }

  async function deleteRole(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    if (own(state.roles, name.toLowerCase())) {
      delete state.roles[name.toLowerCase()];
      await core.persist();
    }
    return { kind: 'empty' };
  }

  return {
    writeRole,
    readRole,
    deleteRole,
    listRoles: () => listResponse(Object.keys(state.roles).sort()),
  };
}

function newRole(name: string): JwtRole {
  return {
    name,
    roleType: 'oidc',
    userClaim: '',
    userClaimJsonPointer: false,
    boundAudiences: [],
    boundSubject: '',
    boundClaims: {},
    boundClaimsType: 'string',
    claimMappings: {},
    groupsClaim: '',
    clockSkewLeeway: 0,
    expirationLeeway: 0,
    notBeforeLeeway: 0,
    allowedRedirectUris: [],
    token: defaultTokenParams(),
  };
}

function oneOf<T extends string>(allowed: T[]) {
  return (value: unknown, field: string): T => {
    const text = parseString(value, field);
    if (!allowed.includes(text as T)) badField(`invalid '${field}': ${text}`);
    return text as T;
  };
}

/** Request field -> role property -> parser, for every non-token field of a JWT role. */
const ROLE_FIELDS: [
  string,
  keyof JwtRole,
  (v: unknown, f: string) => unknown,
][] = [
  ['role_type', 'roleType', oneOf(['jwt', 'oidc'])],
  ['user_claim', 'userClaim', parseString],
  ['user_claim_json_pointer', 'userClaimJsonPointer', parseBool],
  ['bound_audiences', 'boundAudiences', parseStringList],
  ['bound_subject', 'boundSubject', parseString],
  ['bound_claims', 'boundClaims', (v) => parseBoundClaims(v)],
  ['bound_claims_type', 'boundClaimsType', oneOf(['string', 'glob'])],
  ['claim_mappings', 'claimMappings', (v) => parseClaimMappings(v)],
  ['groups_claim', 'groupsClaim', parseString],
  ['clock_skew_leeway', 'clockSkewLeeway', parseDurationSeconds],
  ['expiration_leeway', 'expirationLeeway', parseDurationSeconds],
  ['not_before_leeway', 'notBeforeLeeway', parseDurationSeconds],
  ['allowed_redirect_uris', 'allowedRedirectUris', parseStringList],
];

const LEGACY_TOKEN_FIELDS = [
  ['ttl', 'token_ttl'],
  ['max_ttl', 'token_max_ttl'],
  ['num_uses', 'token_num_uses'],
  ['bound_cidrs', 'token_bound_cidrs'],
];

function validate(role: JwtRole): void {
  const t = role.token;
  if (t.tokenMaxTtl > 0 && t.tokenTtl > t.tokenMaxTtl)
    badField('ttl should not be greater than max ttl');
  if (role.userClaim === '')
    badField('a user claim must be defined on the role');
  if (role.roleType === 'jwt') {
    const bound =
      role.boundAudiences.length > 0 ||
      role.boundSubject !== '' ||
      Object.keys(role.boundClaims).length > 0 ||
      t.tokenBoundCidrs.length > 0;
    if (!bound)
      badField(
        'must have at least one bound constraint when creating/updating a role',
      );
  } else if (role.allowedRedirectUris.length === 0) {
    badField(
      "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
    );
  }
}

function parseBoundClaims(value: unknown): Record<string, string | string[]> {
  const source =
    typeof value === 'string' ? safeJson(value, 'bound_claims') : value;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    badField('error converting input for field "bound_claims": expected a map');
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(source)) {
    if (
      typeof v === 'string' ||
      typeof v === 'number' ||
      typeof v === 'boolean'
    )
      out[k] = String(v);
    else if (
      Array.isArray(v) &&
      v.every(
        (x) =>
          typeof x === 'string' ||
          typeof x === 'number' ||
          typeof x === 'boolean',
      )
    )
      out[k] = v.map(String);
    else badField(`bound claim is not a string or list: ${JSON.stringify(v)}`);
  }
  return out;
}

function parseClaimMappings(value: unknown): Record<string, string> {
  const source =
    typeof value === 'string' ? safeJson(value, 'claim_mappings') : value;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    badField(
      'error converting input for field "claim_mappings": expected a map',
    );
  const out: Record<string, string> = {};
  const targets = new Set<string>();
  for (const [claim, target] of Object.entries(source)) {
    if (typeof target !== 'string')
      badField(
        'error converting input for field "claim_mappings": values must be strings',
      );
    if (target === 'role')
      badField(
        'metadata key "role" is reserved and may not be a mapping destination',
      );
    if (targets.has(target))
      badField(`multiple keys are mapped to metadata key "${target}"`);
    targets.add(target);
    out[claim] = target;
  }
  return out;
}

function safeJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return badField(
      `error converting input for field "${field}": invalid JSON`,
    );
  }
}
