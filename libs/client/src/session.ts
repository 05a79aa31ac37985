import { SecretFlowsError, isSecretFlowsError } from './errors';
import { LOGIN_PATH, TOKEN_PATH } from './operations';
import { raceAbort, type Transport } from './transport';

/** A tenant login (userpass at Vault, through the gateway's `/auth/login/{username}`). */
export interface Credentials {
  username: string;
  password: string;
}

/** What the last login returned (never the password, never the Vault token itself). */
export interface LoginInfo {
  policies: string[];
  /** When the Vault token of the login expires; undefined when it does not. */
  expiresAt?: Date;
}

/** The tenant JWT the SDK currently sends, with its decoded claims. */
export interface TokenInfo {
  jwt: string;
  claims: Record<string, unknown>;
  /** The JWT's `exp`; undefined when it has none. */
  expiresAt?: Date;
}

export interface SessionOptions {
  transport: Transport;
  gatewayUrl: string;
  credentials: Credentials;
  clock: () => number;
  /** The JWT (and the Vault token) are renewed this long before they expire. */
  refreshBeforeExpiryMs: number;
}

interface Held {
  value: string;
  expiresAtMs: number;
}

/**
 * Holds the Vault token of the login and the tenant JWT, renews the JWT before it expires and
 * logs in again when the Vault token has expired or is refused. Every renewal is single-flight:
 * concurrent callers wait for the one renewal in progress. A caller's AbortSignal only stops that
 * caller's wait, never the shared renewal.
 */
export function createSession(o: SessionOptions) {
  let vaultToken: Held | undefined;
  let jwt: (Held & { claims: Record<string, unknown> }) | undefined;
  let login: LoginInfo | undefined;
  let inflight: Promise<string> | undefined;

  const fresh = (held: Held | undefined): held is Held =>
    held !== undefined &&
    o.clock() < held.expiresAtMs - o.refreshBeforeExpiryMs;

  async function doLogin(): Promise<void> {
    const path = LOGIN_PATH.replace(
      '{username}',
      encodeURIComponent(o.credentials.username),
    );
    let result;
    try {
      result = await o.transport.send({
        operation: 'auth.login',
        method: 'post',
        baseUrl: o.gatewayUrl,
        path,
        headers: {},
        body: { password: o.credentials.password },
        retry: false,
      });
    } catch (err) {
      // Vault answers a wrong username or password with 400; for an application it is a refused login.
      if (isSecretFlowsError(err, 'bad_request', 'forbidden'))
        throw relabel(err, 'unauthorized');
      throw err;
    }
    const auth = (result.body as { auth?: Record<string, unknown> } | undefined)
      ?.auth;
    const token = auth?.['client_token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new SecretFlowsError({
        code: 'internal',
        status: result.status,
        detail: 'the login answer carries no Vault token',
        requestId: result.requestId,
        operation: 'auth.login',
      });
    }
    const lease = Number(auth?.['lease_duration'] ?? 0);
    const expiresAtMs =
      lease > 0 ? o.clock() + lease * 1000 : Number.POSITIVE_INFINITY;
    vaultToken = { value: token, expiresAtMs };
    const policies = Array.isArray(auth?.['policies'])
      ? (auth['policies'] as unknown[]).map(String)
      : [];
    login = { policies };
    if (Number.isFinite(expiresAtMs)) login.expiresAt = new Date(expiresAtMs);
  }

  async function fetchJwt(): Promise<string> {
    const result = await o.transport.send({
      operation: 'auth.token',
      method: 'get',
      baseUrl: o.gatewayUrl,
      path: TOKEN_PATH,
      headers: { 'x-vault-token': (vaultToken as Held).value },
      retry: true,
    });
    const token = (result.body as { data?: { token?: unknown } } | undefined)
      ?.data?.token;
    const claims = typeof token === 'string' ? decodeClaims(token) : undefined;
    if (typeof token !== 'string' || !claims) {
      throw new SecretFlowsError({
        code: 'internal',
        status: result.status,
        detail: 'the token answer carries no JWT',
        requestId: result.requestId,
        operation: 'auth.token',
      });
    }
    const exp = claims['exp'];
    const expiresAtMs =
      typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
    jwt = { value: token, expiresAtMs, claims };
    return token;
  }

  async function renew(): Promise<string> {
    let loggedIn = false;
    if (!fresh(vaultToken)) {
      await doLogin();
      loggedIn = true;
    }
    try {
      return await fetchJwt();
    } catch (err) {
      // The Vault token was revoked or expired early: one new login, then give up.
      if (!loggedIn && isSecretFlowsError(err, 'forbidden', 'unauthorized')) {
        await doLogin();
        return fetchJwt();
      }
      throw err;
    }
  }

  function singleFlight(task: () => Promise<string>): Promise<string> {
    if (!inflight) {
      inflight = task().finally(() => {
        inflight = undefined;
      });
    }
    return inflight;
  }

  return {
    /** The JWT to send now: the held one while it is fresh, else a renewed one. */
    async bearer(signal?: AbortSignal): Promise<string> {
      signal?.throwIfAborted();
      if (fresh(jwt)) return jwt.value;
      return raceAbort(singleFlight(renew), signal);
    },
    /** Forgets `token` (the agent refused it) so that the next bearer() renews it. */
    invalidate(token: string): void {
      if (jwt?.value === token) jwt = undefined;
    },
    /** Logs in again now (forgetting the JWT) and says what the login granted. */
    async login(signal?: AbortSignal): Promise<LoginInfo> {
      signal?.throwIfAborted();
      await raceAbort(
        singleFlight(async () => {
          vaultToken = undefined;
          jwt = undefined;
          await doLogin();
          return '';
        }),
        signal,
      );
      return { ...(login as LoginInfo) };
    },
    /** The current JWT and its claims, renewed first when needed. */
    async token(signal?: AbortSignal): Promise<TokenInfo> {
      const value = await this.bearer(signal);
      const claims = jwt?.value === value ? jwt.claims : decodeClaims(value);
      const info: TokenInfo = { jwt: value, claims: { ...claims } };
      const exp = claims?.['exp'];
      if (typeof exp === 'number') info.expiresAt = new Date(exp * 1000);
      return info;
    },
  };
}

export type Session = ReturnType<typeof createSession>;

function relabel(
  err: SecretFlowsError,
  code: SecretFlowsError['code'],
): SecretFlowsError {
  return new SecretFlowsError({
    code,
    status: err.status,
    detail: err.detail,
    requestId: err.requestId,
    retryAfterSeconds: err.retryAfterSeconds,
    problem: err.problem,
    operation: err.operation,
    cause: err,
  });
}

/** The claims of a JWS compact token, without verifying it (the agent verifies it). */
export function decodeClaims(
  token: string,
): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' &&
      claims !== null &&
      !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
