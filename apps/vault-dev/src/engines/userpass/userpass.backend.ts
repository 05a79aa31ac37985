/** The userpass auth method (Vault docs: Userpass auth API): tenant logins by username and password. */
import {
  InvalidCredentialsError,
  VaultError,
  type Backend,
  type BackendFactory,
  type BackendRequest,
  type BackendResponse,
} from '../../core/backend';
import {
  badField,
  own,
  parseString,
  storableKey,
} from '../approle/field-parsers';
import {
  createRouteTable,
  listResponse,
  multiError,
  notFound,
  SEGMENT,
} from '../approle/route-table';
import {
  defaultTokenParams,
  loginResultFrom,
  loginTtls,
  parseTokenParams,
  TOKEN_FIELDS,
  tokenParamsResponse,
  type TokenParams,
} from '../approle/token-params';
import { addressInCidrs } from '../approle/cidr';
import { hashPassword, verifyPassword } from './password-hash';

interface UserEntry {
  passwordHash: string;
  token: TokenParams;
  /** The pre-token_* fields, kept for reads as Vault keeps them (absent = none set). */
  legacy?: { ttl: number; maxTtl: number; boundCidrs: string[] };
}

/** Legacy userpass fields and their token_* successors (tokenutil.UpgradeValue in path_users.go). */
const LEGACY_FIELDS = [
  ['ttl', 'token_ttl', 'ttl'],
  ['max_ttl', 'token_max_ttl', 'maxTtl'],
  ['bound_cidrs', 'token_bound_cidrs', 'boundCidrs'],
] as const;

/**
 * Vault upgrades `ttl` / `max_ttl` / `bound_cidrs` to their token_* fields when only the old
 * name is given; when both are, the new one wins and the old one mirrors it; when only the
 * new one is, the old one is cleared.
 */
function upgradeLegacy(
  data: Record<string, unknown>,
  previous: UserEntry['legacy'],
): { data: Record<string, unknown>; given: Set<string>; keep: Set<string> } {
  const out = { ...data };
  const given = new Set<string>();
  const keep = new Set<string>();
  for (const [oldKey, newKey, slot] of LEGACY_FIELDS) {
    const hasOld = data[oldKey] !== undefined;
    const hasNew = data[newKey] !== undefined;
    if (!hasNew && hasOld) out[newKey] = data[oldKey];
    if (hasOld) given.add(slot);
    else if (!hasNew && previous) keep.add(slot);
  }
  return { data: out, given, keep };
}

interface UserpassState {
  /** Keyed by the lower-cased username (usernames are case-insensitive). */
  users: Record<string, UserEntry>;
}

const INVALID = 'invalid username or password';

/** The fields of users/:username (path_users.go): the legacy names and the token_* set. */
const USER_FIELDS = [
  'username',
  'password',
  'policies',
  'ttl',
  'max_ttl',
  'bound_cidrs',
  ...TOKEN_FIELDS,
];

/** Creates a userpass backend bound to one mount's state. */
export const createUserpassBackend: BackendFactory = (core): Backend => {
  const state = core.state<UserpassState>(() => ({ users: {} }));
  const userOf = (name: string) => own(state.users, name.toLowerCase());

  async function writeUser(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = storableKey(rawName.toLowerCase(), 'username');
    const existing = own(state.users, name);
    const password =
      req.data['password'] === undefined
        ? ''
        : parseString(req.data['password'], 'password');
    if (!existing && password === '') badField('missing password');
    const upgraded = upgradeLegacy(req.data, existing?.legacy);
    const token = parseTokenParams(
      upgraded.data,
      existing?.token ?? defaultTokenParams(),
    );
    const before = existing?.legacy;
    const legacy = {
      ttl: upgraded.given.has('ttl')
        ? token.tokenTtl
        : upgraded.keep.has('ttl')
          ? (before?.ttl ?? 0)
          : 0,
      maxTtl: upgraded.given.has('maxTtl')
        ? token.tokenMaxTtl
        : upgraded.keep.has('maxTtl')
          ? (before?.maxTtl ?? 0)
          : 0,
      boundCidrs: upgraded.given.has('boundCidrs')
        ? token.tokenBoundCidrs
        : upgraded.keep.has('boundCidrs')
          ? (before?.boundCidrs ?? [])
          : [],
    };
    const passwordHash =
      password !== ''
        ? await hashPassword(password)
        : (existing?.passwordHash ?? '');
    state.users[name] = { passwordHash, token, legacy };
    await core.persist();
    return { kind: 'empty' };
  }

  function readUser(_req: BackendRequest, [name]: string[]): BackendResponse {
    const user = userOf(name) ?? notFound();
    // The password hash never leaves the server.
    const data = tokenParamsResponse(user.token);
    // Vault's pathUserRead shows the legacy fields only when they hold a value.
    if (user.legacy && user.legacy.ttl > 0) data['ttl'] = user.legacy.ttl;
    if (user.legacy && user.legacy.maxTtl > 0)
      data['max_ttl'] = user.legacy.maxTtl;
    if (user.legacy && user.legacy.boundCidrs.length > 0)
      data['bound_cidrs'] = user.legacy.boundCidrs;
    return { kind: 'data', data };
  }

  async function deleteUser(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    if (userOf(name)) {
      delete state.users[name.toLowerCase()];
      await core.persist();
    }
    return { kind: 'empty' };
  }

  async function updatePassword(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const user = userOf(name);
    if (!user) throw new VaultError(400, ['username does not exist']);
    const password =
      req.data['password'] === undefined
        ? ''
        : parseString(req.data['password'], 'password');
    if (password === '') badField('missing password');
    user.passwordHash = await hashPassword(password);
    await core.persist();
    return { kind: 'empty' };
  }

  async function updatePolicies(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const user = userOf(name);
    if (!user) throw new VaultError(400, ['username does not exist']);
    user.token = parseTokenParams(
      {
        token_policies:
          req.data['token_policies'] ?? req.data['policies'] ?? [],
      },
      user.token,
    );
    await core.persist();
    return { kind: 'empty' };
  }

  async function login(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = rawName.toLowerCase();
    const password =
      req.data['password'] === undefined
        ? ''
        : parseString(req.data['password'], 'password');
    if (password === '') badField('missing password');
    const user = own(state.users, name);
    // Unknown users and wrong passwords look identical, in text and in timing.
    if (!(await verifyPassword(password, user?.passwordHash)) || !user)
      throw new InvalidCredentialsError(INVALID);
    if (
      user.token.tokenBoundCidrs.length > 0 &&
      !addressInCidrs(req.remoteAddress, user.token.tokenBoundCidrs)
    ) {
      throw new VaultError(403, ['permission denied']);
    }
    const result = loginResultFrom(user.token, {
      displayName: `userpass-${name}`,
      metadata: { username: name },
      alias: { name },
    });
    return { kind: 'login', login: result };
  }

  const route = createRouteTable([
    {
      pattern: new RegExp(`^login/${SEGMENT}$`),
      fields: ['username', 'password'],
      ops: { write: login },
    },
    {
      pattern: /^users$/,
      ops: { list: () => listResponse(Object.keys(state.users).sort()) },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}$`),
      fields: USER_FIELDS,
      ops: { read: readUser, write: writeUser, delete: deleteUser },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}/password$`),
      fields: ['username', 'password'],
      ops: { write: updatePassword },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}/policies$`),
      fields: ['username', 'policies', 'token_policies'],
      ops: { write: updatePolicies },
    },
  ]);

  return {
    type: 'userpass',
    unauthenticatedPaths: ['login/*'],
    exists(path) {
      const m = /^users\/([^/]+)$/.exec(path.replace(/\/+$/, ''));
      return m ? userOf(m[1]) !== undefined : undefined;
    },
    handle: route,
    // Vault's alias lookahead for login/<username>: the lower-cased username.
    loginAliasLookahead(path) {
      const m = /^login\/([^/]+)\/?$/.exec(path);
      return m ? m[1].toLowerCase() : undefined;
    },
    // Vault's pathLoginRenew (userpass path_login.go): a deleted user answers nil (no renewal),
    // changed policies fail, otherwise the user's current token_* TTLs apply.
    renew({ metadata, policies }) {
      const user = userOf(metadata['username'] ?? '');
      if (!user) return null;
      if (!equivalentPolicies(user.token.tokenPolicies, policies))
        throw new VaultError(500, [
          multiError(
            'failed to renew entry: policies have changed, not renewing',
          ),
        ]);
      const { ttlSeconds, maxTtlSeconds } = loginTtls(user.token);
      return {
        ttlSeconds,
        maxTtlSeconds,
        periodSeconds: user.token.tokenPeriod,
      };
    },
  };
};

/** policyutil.EquivalentPolicies: the same set, ignoring order, duplicates and `default`. */
function equivalentPolicies(a: string[], b: string[]): boolean {
  const norm = (list: string[]) =>
    [...new Set(list.filter((p) => p !== 'default'))].sort().join(',');
  return norm(a) === norm(b);
}
