import {
  VaultAuthError,
  VaultResponseError,
  VaultUnavailableError,
  isTokenRejected,
} from '../errors';
import type { VaultAuthInfo } from '../response';
import type { VaultLogger } from '../transport';
import type { AuthMethod, LoginTransport } from './auth-method';

/**
 * The token lifecycle in one place (docs/architecture.md, "Token lifecycle"; Vault api/lifetime_watcher.go): login on first use with one
 * login in flight, renew-self at ~2/3 of the lease with jitter, re-login before a capped
 * (max-TTL) or non-renewable token dies, back off failed logins 1 s doubling to 5 min.
 */

/** Time source; the timer functions default to Node's, unref'd so they never keep a process alive. */
export interface VaultClock {
  now(): number;
  setTimeout?(fn: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

export interface LifetimeStatus {
  authenticated: boolean;
  /** Epoch ms when the current token dies (absent for tokens without TTL). */
  expiresAt?: number;
  lastError?: string;
  /** Successful logins so far (one per token lifetime is the goal). */
  logins: number;
}

export interface TokenLifetimeOptions {
  auth: AuthMethod;
  loginTransport: LoginTransport;
  renewSelf(token: string): Promise<VaultAuthInfo>;
  revokeSelf(token: string): Promise<void>;
  clock: VaultClock;
  random?: () => number;
  logger?: VaultLogger;
  loginBackoff?: { initialMs?: number; maxMs?: number };
}

interface CurrentToken {
  token: string;
  /** Undefined: the token has no TTL (root). */
  expiresAt?: number;
  /** Lease granted at login; a renewal answering less means the max TTL caps it. */
  loginLeaseMs: number;
}

export type TokenLifetime = ReturnType<typeof createTokenLifetime>;

/** Creates the lifecycle for one auth method; `token()` is what every request awaits. */
export function createTokenLifetime(options: TokenLifetimeOptions) {
  const { auth, clock } = options;
  const random = options.random ?? Math.random;
  const initialBackoffMs = options.loginBackoff?.initialMs ?? 1000;
  const maxBackoffMs = options.loginBackoff?.maxMs ?? 5 * 60_000;
  let current: CurrentToken | undefined;
  let inFlight: Promise<CurrentToken> | undefined;
  let failures = 0;
  let nextLoginAt = 0;
  let lastError: Error | undefined;
  let logins = 0;
  let timer: unknown;
  let stopped = false;

  function isUsable(c: CurrentToken | undefined): c is CurrentToken {
    if (!c) return false;
    if (c.expiresAt === undefined) return true;
    // Do not start a request on a token that dies before Vault can answer it.
    return clock.now() < c.expiresAt - Math.min(1000, c.loginLeaseMs / 10);
  }

  function schedule(ms: number, fn: () => void) {
    cancelTimer();
    const run = () => {
      timer = undefined;
      if (!stopped) fn();
    };
    if (clock.setTimeout) timer = clock.setTimeout(run, ms);
    else timer = (setTimeout(run, Math.max(0, ms)) as NodeJS.Timeout).unref();
  }

  function cancelTimer() {
    if (timer === undefined) return;
    if (clock.clearTimeout) clock.clearTimeout(timer);
    else clearTimeout(timer as NodeJS.Timeout);
    timer = undefined;
  }

  /** Decides what happens next after a login or a renewal granted `leaseMs`. */
  function plan(c: CurrentToken, leaseMs: number, renewable: boolean) {
    if (c.expiresAt === undefined) return;
    // LifetimeWatcher's grace: 10 % of the lease plus up to 10 % random (Vault api/lifetime_watcher.go).
    const graceMs = c.loginLeaseMs * (0.1 + random() * 0.1);
    const capped = leaseMs < c.loginLeaseMs;
    if (!renewable || capped) {
      schedule(
        Math.max(0, c.expiresAt - graceMs - clock.now()),
        () => void backgroundLogin('token reaches its max TTL'),
      );
      return;
    }
    schedule(leaseMs * (2 / 3) * (0.9 + random() * 0.1), () => void renew(c));
  }

  async function renew(c: CurrentToken) {
    try {
      const info = await options.renewSelf(c.token);
      if (stopped || current !== c) return;
      const leaseMs = info.leaseDurationSeconds * 1000;
      c.expiresAt = clock.now() + leaseMs;
      options.logger?.debug(
        { method: auth.name, ttlSeconds: info.leaseDurationSeconds },
        'Vault token renewed',
      );
      plan(c, leaseMs, info.renewable);
    } catch (error) {
      if (stopped || current !== c) return;
      if (isTokenRejected(error)) current = undefined;
      options.logger?.warn(
        { method: auth.name, reason: describe(error) },
        'Vault token renewal failed, logging in again',
      );
      void backgroundLogin('renewal failed');
    }
  }

  async function backgroundLogin(reason: string) {
    options.logger?.info({ method: auth.name, reason }, 'Vault re-login');
    try {
      await loginOnce(true);
    } catch {
      // Already logged; keep the old token while it lives and try again after the backoff.
      if (!stopped)
        schedule(
          Math.max(0, nextLoginAt - clock.now()),
          () => void backgroundLogin('previous re-login failed'),
        );
    }
  }

  function loginOnce(ignoreBackoff = false): Promise<CurrentToken> {
    if (stopped) return Promise.reject(new Error('Vault client is stopped'));
    if (inFlight) return inFlight;
    if (!ignoreBackoff && lastError && clock.now() < nextLoginAt)
      return Promise.reject(backingOff());
    inFlight = doLogin().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function doLogin(): Promise<CurrentToken> {
    let info: VaultAuthInfo;
    try {
      info = await auth.login(options.loginTransport);
    } catch (error) {
      throw loginFailed(error);
    }
    failures = 0;
    lastError = undefined;
    logins++;
    const leaseMs = info.leaseDurationSeconds * 1000;
    const c: CurrentToken = {
      token: info.clientToken,
      loginLeaseMs: leaseMs,
      expiresAt: leaseMs > 0 ? clock.now() + leaseMs : undefined,
    };
    // The replaced token is not revoked: requests still in flight on it must succeed.
    current = c;
    if (!stopped) plan(c, leaseMs, info.renewable);
    options.logger?.info(
      {
        method: auth.name,
        ttlSeconds: info.leaseDurationSeconds,
        renewable: info.renewable,
      },
      'Vault login succeeded',
    );
    return c;
  }

  function loginFailed(error: unknown): Error {
    failures++;
    const backoff = Math.min(
      maxBackoffMs,
      initialBackoffMs * 2 ** (failures - 1),
    );
    // Vault Agent trims up to 25 % at random so a fleet does not retry in lockstep.
    const delay = backoff * (1 - random() * 0.25);
    nextLoginAt = clock.now() + delay;
    const normalized = normalize(error);
    lastError = normalized;
    options.logger?.error(
      {
        method: auth.name,
        failures,
        retryInMs: Math.round(delay),
        reason: normalized.message,
      },
      'Vault login failed',
    );
    return normalized;
  }

  function normalize(error: unknown): Error {
    if (
      error instanceof VaultUnavailableError ||
      error instanceof VaultAuthError
    )
      return error;
    if (error instanceof VaultResponseError)
      return new VaultAuthError(
        auth.name,
        error.errors.join('; ') || `HTTP ${error.status}`,
        { cause: error },
      );
    return new VaultAuthError(
      auth.name,
      (error as Error)?.message ?? String(error),
      { cause: error },
    );
  }

  function backingOff(): Error {
    const waitS = Math.ceil((nextLoginAt - clock.now()) / 1000);
    const reason = `${lastError?.message ?? 'login failed'}; next login attempt in ${waitS} s`;
    if (lastError instanceof VaultUnavailableError)
      return new VaultUnavailableError({
        path: lastError.path,
        reason,
        attempts: 0,
      });
    return new VaultAuthError(auth.name, reason);
  }

  return {
    /** The current token, logging in first when there is none or it is about to die. */
    async token(): Promise<string> {
      if (isUsable(current)) return current.token;
      return (await loginOnce()).token;
    },
    /** Vault refused `token` as expired or revoked: forget it so the next `token()` logs in once. */
    rejected(token: string) {
      if (current?.token === token) current = undefined;
    },
    /** Logs in now unless a usable token exists (fail fast at start, readiness). */
    async login(): Promise<void> {
      if (!isUsable(current)) await loginOnce();
    },
    status(): LifetimeStatus {
      const authenticated = isUsable(current);
      return {
        authenticated,
        ...(authenticated && current?.expiresAt !== undefined
          ? { expiresAt: current.expiresAt }
          : {}),
        ...(lastError ? { lastError: lastError.message } : {}),
        logins,
      };
    },
    /** Clears timers and revokes the token this lifecycle obtained (best effort). */
    async stop(): Promise<void> {
      stopped = true;
      cancelTimer();
      const c = current;
      current = undefined;
      if (!c || auth.revokeOnStop === false) return;
      try {
        await options.revokeSelf(c.token);
      } catch (error) {
        options.logger?.warn(
          { method: auth.name, reason: describe(error) },
          'Vault token revocation failed',
        );
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : String(error);
}
