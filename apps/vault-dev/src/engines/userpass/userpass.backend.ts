/** The userpass auth method (reference §8b): tenant logins by username and password. */
import {
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
  notFound,
  SEGMENT,
} from '../approle/route-table';
import {
  defaultTokenParams,
  loginResultFrom,
  parseTokenParams,
  tokenParamsResponse,
  type TokenParams,
} from '../approle/token-params';
import { addressInCidrs } from '../approle/cidr';
import { hashPassword, verifyPassword } from './password-hash';

interface UserEntry {
  passwordHash: string;
  token: TokenParams;
}

interface UserpassState {
  /** Keyed by the lower-cased username (usernames are case-insensitive). */
  users: Record<string, UserEntry>;
}

const INVALID = 'invalid username or password';

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
    const token = parseTokenParams(
      req.data,
      existing?.token ?? defaultTokenParams(),
    );
    const passwordHash =
      password !== ''
        ? await hashPassword(password)
        : (existing?.passwordHash ?? '');
    state.users[name] = { passwordHash, token };
    await core.persist();
    return { kind: 'empty' };
  }

  function readUser(_req: BackendRequest, [name]: string[]): BackendResponse {
    const user = userOf(name) ?? notFound();
    // The password hash never leaves the server.
    return { kind: 'data', data: tokenParamsResponse(user.token) };
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
      throw new VaultError(400, [INVALID]);
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
    { pattern: new RegExp(`^login/${SEGMENT}$`), ops: { write: login } },
    {
      pattern: /^users$/,
      ops: { list: () => listResponse(Object.keys(state.users).sort()) },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}$`),
      ops: { read: readUser, write: writeUser, delete: deleteUser },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}/password$`),
      ops: { write: updatePassword },
    },
    {
      pattern: new RegExp(`^users/${SEGMENT}/policies$`),
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
  };
};
