import type { AuthMethod, LoginTransport } from './auth/auth-method';
import {
  createTokenLifetime,
  type LifetimeStatus,
  type VaultClock,
} from './auth/token-lifetime';
import { isTokenRejected } from './errors';
import {
  createAppRoleAdminApi,
  type AppRoleAdminApi,
} from './engines/approle-admin';
import { dataOf, type VaultCaller } from './engines/caller';
import { createIdentityApi, type IdentityApi } from './engines/identity';
import { createJwtAuthApi, type JwtAuthApi } from './engines/jwt-admin';
import { createKvV2Api, type KvV2Api } from './engines/kv-v2';
import { createSysApi, type SysApi } from './engines/sys';
import {
  createTokenApi,
  toTokenLookup,
  type TokenApi,
} from './engines/token-api';
import { createTransitApi, type TransitApi } from './engines/transit';
import {
  createUserpassAdminApi,
  type UserpassAdminApi,
} from './engines/userpass-admin';
import { createWrappingApi, type WrappingApi } from './engines/wrapping';
import { toAuthInfo, toVaultResponse, type VaultResponse } from './response';
import {
  createHttpTransport,
  type RetryOptions,
  type Transport,
  type VaultLogger,
} from './transport';

export interface VaultClientOptions {
  address: string;
  namespace?: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** PEM of the CA that signs Vault's certificate. */
  caCertPem?: string;
  auth: AuthMethod;
  retry?: RetryOptions;
  /** pino-compatible `(obj, msg)`; never receives tokens or values. */
  logger?: VaultLogger;
  clock?: VaultClock;
  /** Failed-login backoff (default 1 s doubling to 5 min). */
  loginBackoff?: { initialMs?: number; maxMs?: number };
  /** Replace the HTTP transport (tests, instrumentation). */
  transport?: Transport;
}

export interface VaultClient {
  kvV2(mount: string): KvV2Api;
  identity: IdentityApi;
  sys: SysApi;
  transit(mount?: string): TransitApi;
  wrapping: WrappingApi;
  auth: {
    approle(mount?: string): AppRoleAdminApi;
    userpass(mount?: string): UserpassAdminApi;
    jwt(mount?: string): JwtAuthApi;
    token: TokenApi;
  };
  /** Undefined on 404. */
  read(path: string): Promise<VaultResponse | undefined>;
  /** Undefined on 204. */
  write(path: string, body?: object): Promise<VaultResponse | undefined>;
  /** [] when nothing is there. */
  list(path: string): Promise<string[]>;
  delete(path: string): Promise<void>;
  /** A view of this client that uses a fixed token (no lifecycle) — same transport/keep-alive. */
  withToken(token: string): VaultClient;
  status(): Omit<LifetimeStatus, 'logins'> & { logins?: number };
  /** Logs in now (readiness / fail-fast at start). */
  login(): Promise<void>;
  /** Revokes own token (best effort), clears timers, closes idle connections. */
  stop(): Promise<void>;
}

/**
 * Creates the Vault client: one transport, one token lifecycle, grouped sub-APIs.
 * @example createVaultClient({ address: 'http://127.0.0.1:8200', auth: approleAuth({ roleIdFile, secretIdFile }) })
 */
export function createVaultClient(options: VaultClientOptions): VaultClient {
  if (!options.auth) throw new TypeError('createVaultClient: auth is required');
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
    throw new TypeError('createVaultClient: timeoutMs must be > 0');
  const transport = options.transport ?? createHttpTransport(options);
  const fixed = (token: string): VaultCaller => ({
    send: (req) =>
      transport.send(
        req.unauthenticated || req.token ? req : { ...req, token },
      ),
  });
  const lifetime = createTokenLifetime({
    auth: options.auth,
    loginTransport: createLoginTransport(transport),
    renewSelf: (token) => createTokenApi(fixed(token)).renewSelf(),
    revokeSelf: (token) => createTokenApi(fixed(token)).revokeSelf(),
    clock: options.clock ?? { now: Date.now },
    logger: options.logger,
    loginBackoff: options.loginBackoff,
  });

  const caller: VaultCaller = {
    async send(req) {
      if (req.unauthenticated || req.token) return transport.send(req);
      const token = await lifetime.token();
      try {
        return await transport.send({ ...req, token });
      } catch (error) {
        if (!isTokenRejected(error)) throw error;
        // Expired or revoked out of band: one re-login and one retry (the request was refused, so repeating is safe).
        options.logger?.warn(
          { operation: req.operation ?? req.method },
          'Vault rejected the token, logging in again',
        );
        lifetime.rejected(token);
        return transport.send({ ...req, token: await lifetime.token() });
      }
    },
  };

  const view = (
    c: VaultCaller,
    own: Pick<VaultClient, 'status' | 'login' | 'stop'>,
  ): VaultClient => ({
    ...createViewApis(c),
    withToken: (token) =>
      view(fixed(token), {
        status: () => ({ authenticated: true }),
        login: async () => undefined,
        stop: async () => undefined,
      }),
    ...own,
  });
  return view(caller, {
    status: () => lifetime.status(),
    login: () => lifetime.login(),
    async stop() {
      await lifetime.stop();
      transport.close();
    },
  });
}

/** Per-mount sub-APIs are built once per view: callers may ask for `kvV2(mount)` on every request. */
function memo<T>(create: (mount: string) => T): (mount?: string) => T {
  const byMount = new Map<string, T>();
  return (mount = '') => {
    let api = byMount.get(mount);
    if (!api) byMount.set(mount, (api = create(mount)));
    return api;
  };
}

function createViewApis(
  c: VaultCaller,
): Omit<VaultClient, 'withToken' | 'status' | 'login' | 'stop'> {
  return {
    kvV2: memo((mount) => createKvV2Api(c, mount)),
    identity: createIdentityApi(c),
    sys: createSysApi(c),
    transit: memo((mount) => createTransitApi(c, mount || undefined)),
    wrapping: createWrappingApi(c),
    auth: {
      approle: memo((mount) => createAppRoleAdminApi(c, mount || undefined)),
      userpass: memo((mount) => createUserpassAdminApi(c, mount || undefined)),
      jwt: memo((mount) => createJwtAuthApi(c, mount || undefined)),
      token: createTokenApi(c),
    },
    async read(path) {
      const res = await c.send({
        method: 'GET',
        path,
        okStatuses: [404],
        operation: 'read',
      });
      return res.status === 404 ? undefined : toVaultResponse(res.body);
    },
    async write(path, body) {
      const res = await c.send({
        method: 'POST',
        path,
        body: body ?? {},
        operation: 'write',
      });
      return res.status === 204 || res.body === undefined
        ? undefined
        : toVaultResponse(res.body);
    },
    async list(path) {
      const res = await c.send({
        method: 'LIST',
        path: path.endsWith('/') ? path : `${path}/`,
        okStatuses: [404],
        operation: 'list',
      });
      return res.status === 404
        ? []
        : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
    },
    async delete(path) {
      await c.send({ method: 'DELETE', path, operation: 'delete' });
    },
  };
}

function createLoginTransport(transport: Transport): LoginTransport {
  return {
    async login(path, body) {
      // Never repeated automatically: a secret_id with num_uses must not be burnt twice.
      const res = await transport.send({
        method: 'POST',
        path,
        body,
        unauthenticated: true,
        idempotent: false,
        operation: `login ${path.split('/').slice(0, 2).join('/')}`,
      });
      return toAuthInfo((res.body as { auth?: unknown } | undefined)?.auth);
    },
    unwrap: (wrappingToken) =>
      createWrappingApi({ send: (r) => transport.send(r) }).unwrap(
        wrappingToken,
      ),
    lookupWrapping: (wrappingToken) =>
      createWrappingApi({ send: (r) => transport.send(r) }).lookup(
        wrappingToken,
      ),
    async lookupSelf(token) {
      return toTokenLookup(
        dataOf(
          await transport.send({
            method: 'GET',
            path: 'auth/token/lookup-self',
            token,
            operation: 'token.lookupSelf',
          }),
        ),
      );
    },
  };
}
