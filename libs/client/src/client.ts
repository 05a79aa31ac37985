import {
  ADMIN_API_KEY_HEADER,
  API_KEY_HEADER,
  buildPath,
  type CreateKeyRequest,
  type CreateWalletRequest,
  type CreatedWallet,
  type Health,
  type Key,
  type KeyList,
  type PutSecretRequest,
  type PutSecretResponse,
  type Secret,
  type SecretNameList,
  type SignRequest,
  type SignResponse,
  type Wallet,
  type WalletPage,
} from '@secret-flows/contracts';
import { SecretFlowsError, isSecretFlowsError } from './errors';
import {
  AGENT_PREFIX,
  SDK_OPERATIONS,
  isSafeMethod,
  type OperationName,
} from './operations';
import {
  createSession,
  type Credentials,
  type LoginInfo,
  type TokenInfo,
} from './session';
import {
  createTransport,
  defaultSleep,
  type FetchLike,
  type ResponseInfo,
  type Sleep,
} from './transport';

export interface ClientOptions {
  /** The gateway's base URL, e.g. `http://127.0.0.1:9080`. */
  gatewayUrl: string;
  /** The application's API key (the gateway's key-auth). */
  apiKey: string;
  /**
   * The tenant's login (phases 3-4). Without it no JWT is sent: phases 1-2, where the API key
   * alone identifies the application and the tenant is `default`.
   */
  credentials?: Credentials;
  /** The admin key of `admin.wallets.*`; those calls fail without it. */
  adminApiKey?: string;
  /** Defaults to the platform's `fetch`. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch; defaults to `Date.now`. Tests freeze it. */
  clock?: () => number;
  /** How retries wait; defaults to a timer that an AbortSignal cancels. */
  sleep?: Sleep;
  /** Renew the JWT this many seconds before its `exp` (default 30). */
  refreshBeforeExpirySeconds?: number;
  /** Retries of a safe (GET) call after 429, 503 or a network failure (default 2). */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for (default 10 s). */
  maxRetryDelaySeconds?: number;
  /** Called for every HTTP answer, with its request id: for logs and support tickets. */
  onResponse?: (info: ResponseInfo) => void;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface SecretGetOptions extends CallOptions {
  /** A past version; the latest when absent. */
  version?: number;
}

export interface SecretListOptions extends CallOptions {
  /** Names per page (the agent's default when absent, at most its maximum). */
  limit?: number;
  /** Where the page starts: the `next` of the previous page. */
  cursor?: string;
}

export interface WalletListOptions extends CallOptions {
  offset?: number;
  limit?: number;
}

const DEFAULTS = {
  refreshBeforeExpirySeconds: 30,
  maxRetries: 2,
  maxRetryDelaySeconds: 10,
};

/**
 * A typed client of the Secret Flows agent API through the gateway. Logs in and renews the
 * tenant JWT by itself when `credentials` are given; every failure is a SecretFlowsError whose
 * `code` is the platform's error union; cancellation rejects with the signal's reason.
 */
export function createClient(options: ClientOptions) {
  if (!options.gatewayUrl) throw new TypeError('gatewayUrl is required');
  if (!options.apiKey) throw new TypeError('apiKey is required');
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  const clock = options.clock ?? (() => Date.now());
  const platformFetch: FetchLike =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transport = createTransport({
    fetch: platformFetch,
    clock,
    sleep: options.sleep ?? defaultSleep,
    maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
    maxRetryDelayMs:
      (options.maxRetryDelaySeconds ?? DEFAULTS.maxRetryDelaySeconds) * 1000,
    onResponse: options.onResponse,
  });
  const session = options.credentials
    ? createSession({
        transport,
        gatewayUrl,
        credentials: { ...options.credentials },
        clock,
        refreshBeforeExpiryMs:
          (options.refreshBeforeExpirySeconds ??
            DEFAULTS.refreshBeforeExpirySeconds) * 1000,
      })
    : undefined;

  interface Call {
    params?: Record<string, string>;
    query?: Record<string, string | number | undefined>;
    body?: unknown;
    signal?: AbortSignal;
  }

  async function call<T>(name: OperationName, c: Call = {}): Promise<T> {
    const route = SDK_OPERATIONS[name];
    const headers: Record<string, string> = {
      [API_KEY_HEADER]: options.apiKey,
    };
    if (route.auth === 'admin') {
      if (!options.adminApiKey) {
        throw new SecretFlowsError({
          code: 'unauthorized',
          status: 0,
          detail: 'this call needs the adminApiKey option',
          operation: name,
        });
      }
      headers[ADMIN_API_KEY_HEADER] = options.adminApiKey;
    }
    const withJwt = route.auth === 'tenant' && session !== undefined;
    const send = async (): Promise<T> => {
      let bearer: string | undefined;
      if (withJwt) {
        bearer = await session.bearer(c.signal);
        headers['authorization'] = `Bearer ${bearer}`;
      }
      try {
        const result = await transport.send({
          operation: name,
          method: route.method,
          baseUrl: gatewayUrl,
          path: AGENT_PREFIX + buildPath(route.path, c.params),
          query: c.query,
          headers,
          body: c.body,
          retry: isSafeMethod(route.method),
          signal: c.signal,
        });
        return result.body as T;
      } catch (err) {
        if (bearer !== undefined && isSecretFlowsError(err, 'unauthorized'))
          session?.invalidate(bearer);
        throw err;
      }
    };
    try {
      return await send();
    } catch (err) {
      // The agent refused the JWT (revoked, or a clock ahead of ours): it processed nothing, so
      // one retry with a renewed JWT is safe for any method. The gateway's own 401 (wrong API
      // key) is not problem JSON and is not retried.
      if (withJwt && isSecretFlowsError(err, 'unauthorized') && err.problem)
        return send();
      throw err;
    }
  }

  const noBody = async (name: OperationName, c: Call): Promise<void> => {
    await call<unknown>(name, c);
  };

  return {
    keys: {
      /** POST /keys: a new key pair; only the public key comes back. */
      create: (body: CreateKeyRequest, o: CallOptions = {}) =>
        call<Key>('keys.create', { body, signal: o.signal }),
      list: (o: CallOptions = {}) =>
        call<KeyList>('keys.list', { signal: o.signal }),
      get: (id: string, o: CallOptions = {}) =>
        call<Key>('keys.get', { params: { id }, signal: o.signal }),
      /** POST /keys/{id}/sign: `payload` is base64url; the signature is the JWS encoding. */
      sign: (id: string, body: SignRequest, o: CallOptions = {}) =>
        call<SignResponse>('keys.sign', {
          params: { id },
          body,
          signal: o.signal,
        }),
      delete: (id: string, o: CallOptions = {}) =>
        noBody('keys.delete', { params: { id }, signal: o.signal }),
      /** POST /keys/{id}/rotate: a new version of a vault-transit key; old signatures still verify. */
      rotate: (id: string, o: CallOptions = {}) =>
        call<Key>('keys.rotate', { params: { id }, signal: o.signal }),
    },
    secrets: {
      /** PUT /secrets/{name}; `cas` 0 = create only, N = only if the current version is N (else `conflict`). */
      put: (name: string, body: PutSecretRequest, o: CallOptions = {}) =>
        call<PutSecretResponse>('secrets.put', {
          params: { name },
          body,
          signal: o.signal,
        }),
      get: (name: string, o: SecretGetOptions = {}) =>
        call<Secret>('secrets.get', {
          params: { name },
          query: { version: o.version },
          signal: o.signal,
        }),
      /** GET /secrets: one page of names in lexicographic order; `next` is where the next page starts. */
      list: (o: SecretListOptions = {}) =>
        call<SecretNameList>('secrets.list', {
          query: { limit: o.limit, cursor: o.cursor },
          signal: o.signal,
        }),
      delete: (name: string, o: CallOptions = {}) =>
        noBody('secrets.delete', { params: { name }, signal: o.signal }),
    },
    admin: {
      wallets: {
        /** POST /wallets: onboards a tenant; in phase 4 its login is returned this once. */
        create: (body: CreateWalletRequest, o: CallOptions = {}) =>
          call<CreatedWallet>('admin.wallets.create', {
            body,
            signal: o.signal,
          }),
        list: (o: WalletListOptions = {}) =>
          call<WalletPage>('admin.wallets.list', {
            query: { offset: o.offset, limit: o.limit },
            signal: o.signal,
          }),
        get: (id: string, o: CallOptions = {}) =>
          call<Wallet>('admin.wallets.get', {
            params: { id },
            signal: o.signal,
          }),
        delete: (id: string, o: CallOptions = {}) =>
          noBody('admin.wallets.delete', { params: { id }, signal: o.signal }),
      },
    },
    system: {
      health: (o: CallOptions = {}) =>
        call<Health>('system.health', { signal: o.signal }),
    },
    auth: {
      /** Logs in again now (phases 3-4); says which Vault policies the login carries. */
      login: (o: CallOptions = {}): Promise<LoginInfo> =>
        needSession().login(o.signal),
      /** The tenant JWT the client sends (renewed first when it is about to expire). */
      token: (o: CallOptions = {}): Promise<TokenInfo> =>
        needSession().token(o.signal),
    },
  };

  function needSession() {
    if (!session)
      throw new TypeError(
        'this client has no credentials (phases 1-2 need no login)',
      );
    return session;
  }
}

export type SecretFlowsClient = ReturnType<typeof createClient>;
