import { VaultResponseError, VaultUnavailableError } from '../errors';
import type { VaultAuthInfo } from '../response';
import { createManualClock, flush } from '../../test/fakes/manual-clock';
import type { AuthMethod, LoginTransport } from './auth-method';
import { createTokenLifetime } from './token-lifetime';

/** A fake Vault token store with TTL/max-TTL semantics, driven by the manual clock. */
function createFakeVault(
  clock: { now(): number },
  ttlS: number,
  maxTtlS: number,
) {
  const tokens = new Map<string, { expiresAt: number; maxAt: number }>();
  let n = 0;
  const calls = { logins: 0, renewals: 0, revocations: 0 };
  let loginError: Error | undefined;
  let down = false;
  const unavailable = () =>
    new VaultUnavailableError({
      path: 'auth/token/renew-self',
      reason: 'ECONNREFUSED',
      attempts: 3,
    });
  const auth = (token: string, leaseS: number): VaultAuthInfo => ({
    clientToken: token,
    accessor: `acc-${token}`,
    policies: ['default'],
    tokenPolicies: ['default'],
    leaseDurationSeconds: leaseS,
    renewable: true,
    entityId: 'e1',
    metadata: null,
  });
  const method: AuthMethod = {
    name: 'approle',
    async login() {
      calls.logins++;
      await flush(2);
      if (down) throw unavailable();
      if (loginError) throw loginError;
      const token = `hvs.t${++n}`;
      tokens.set(token, {
        expiresAt: clock.now() + ttlS * 1000,
        maxAt: clock.now() + maxTtlS * 1000,
      });
      return auth(token, ttlS);
    },
  };
  return {
    calls,
    method,
    failLogins: (e: Error | undefined) => (loginError = e),
    setDown: (value: boolean) => (down = value),
    isLive: (t: string) => (tokens.get(t)?.expiresAt ?? 0) > clock.now(),
    async renewSelf(token: string) {
      calls.renewals++;
      if (down) throw unavailable();
      const t = tokens.get(token);
      if (!t || t.expiresAt <= clock.now())
        throw new VaultResponseError({
          status: 403,
          errors: ['permission denied'],
          path: 'auth/token/renew-self',
        });
      t.expiresAt = Math.min(t.maxAt, clock.now() + ttlS * 1000);
      return auth(token, Math.round((t.expiresAt - clock.now()) / 1000));
    },
    async revokeSelf(token: string) {
      calls.revocations++;
      tokens.delete(token);
    },
  };
}

function setup(ttlS = 60, maxTtlS = 300) {
  const clock = createManualClock();
  const vault = createFakeVault(clock, ttlS, maxTtlS);
  const lifetime = createTokenLifetime({
    auth: vault.method,
    loginTransport: {} as LoginTransport,
    renewSelf: vault.renewSelf,
    revokeSelf: vault.revokeSelf,
    clock,
    random: () => 0.5,
  });
  return { clock, vault, lifetime };
}

describe('token lifetime', () => {
  it('logs in exactly once for 200 concurrent callers on a cold client', async () => {
    const { vault, lifetime } = setup();
    const tokens = await Promise.all(
      Array.from({ length: 200 }, () => lifetime.token()),
    );
    expect(vault.calls.logins).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('renews at about two thirds of the lease and keeps the same token', async () => {
    const { clock, vault, lifetime } = setup(60, 300);
    const first = await lifetime.token();
    await clock.advance(30_000);
    expect(vault.calls.renewals).toBe(0);
    await clock.advance(12_000);
    expect(vault.calls.renewals).toBe(1);
    await clock.advance(60_000);
    expect(await lifetime.token()).toBe(first);
    expect(vault.calls.logins).toBe(1);
  });

  it('logs in again before a max-TTL-capped token dies, so the token in use is always live', async () => {
    const { clock, vault, lifetime } = setup(60, 150);
    for (let t = 0; t < 400; t += 1) {
      const token = await lifetime.token();
      expect(vault.isLive(token)).toBe(true);
      await clock.advance(1000);
    }
    expect(vault.calls.logins).toBe(3);
    expect(lifetime.status()).toMatchObject({ authenticated: true, logins: 3 });
  });

  it('forgets a rejected token so the next caller logs in once', async () => {
    const { vault, lifetime } = setup();
    const old = await lifetime.token();
    lifetime.rejected(old);
    lifetime.rejected(old);
    const [a, b] = await Promise.all([lifetime.token(), lifetime.token()]);
    expect(a).toBe(b);
    expect(a).not.toBe(old);
    expect(vault.calls.logins).toBe(2);
  });

  it('ignores a rejection of a token that was already replaced', async () => {
    const { vault, lifetime } = setup();
    const old = await lifetime.token();
    lifetime.rejected(old);
    const fresh = await lifetime.token();
    lifetime.rejected(old);
    expect(await lifetime.token()).toBe(fresh);
    expect(vault.calls.logins).toBe(2);
  });

  it('backs off failed logins from 1 s doubling, failing fast in between, and reports the error', async () => {
    const { clock, vault, lifetime } = setup();
    vault.failLogins(
      new VaultResponseError({
        status: 400,
        errors: ['invalid role or secret ID'],
        path: 'auth/approle/login',
      }),
    );
    await expect(lifetime.token()).rejects.toThrow(
      /approle login failed: invalid role or secret ID/,
    );
    await expect(lifetime.token()).rejects.toThrow(/next login attempt in 1 s/);
    expect(vault.calls.logins).toBe(1);
    expect(lifetime.status()).toMatchObject({
      authenticated: false,
      lastError: expect.stringContaining('invalid role or secret ID'),
    });
    await clock.advance(900);
    await expect(lifetime.token()).rejects.toThrow();
    expect(vault.calls.logins).toBe(2);
    await clock.advance(1000);
    await expect(lifetime.token()).rejects.toThrow(/next login attempt in 1 s/);
    await clock.advance(800);
    vault.failLogins(undefined);
    await expect(lifetime.token()).resolves.toMatch(/^hvs\./);
    expect(lifetime.status().lastError).toBeUndefined();
  });

  it('keeps an unreachable Vault a VaultUnavailableError while backing off', async () => {
    const { vault, lifetime } = setup();
    vault.failLogins(
      new VaultUnavailableError({
        path: 'auth/approle/login',
        reason: 'ECONNREFUSED',
        attempts: 3,
      }),
    );
    await expect(lifetime.token()).rejects.toBeInstanceOf(
      VaultUnavailableError,
    );
    await expect(lifetime.token()).rejects.toBeInstanceOf(
      VaultUnavailableError,
    );
  });

  it('caps the login backoff at five minutes', async () => {
    const { clock, vault, lifetime } = setup();
    vault.failLogins(new Error('down'));
    for (let i = 0; i < 12; i++) {
      await lifetime.token().catch(() => undefined);
      await clock.advance(10 * 60_000);
    }
    await lifetime.token().catch(() => undefined);
    await clock.advance(4 * 60_000);
    await expect(lifetime.token()).rejects.toThrow(
      /next login attempt in \d+ s/,
    );
    const before = vault.calls.logins;
    await clock.advance(60_000);
    await lifetime.token().catch(() => undefined);
    expect(vault.calls.logins).toBe(before + 1);
  });

  it('logs in again in the background when a renewal finds the token revoked', async () => {
    const { clock, vault, lifetime } = setup(60, 300);
    const first = await lifetime.token();
    await vault.revokeSelf(first);
    await clock.advance(41_000);
    expect(vault.calls.logins).toBe(2);
    expect(await lifetime.token()).not.toBe(first);
  });

  it('keeps serving the live token through an outage and logs in again in the background when Vault returns', async () => {
    const { clock, vault, lifetime } = setup(60, 300);
    const first = await lifetime.token();
    vault.setDown(true);
    await clock.advance(41_000);
    expect(vault.calls.renewals).toBe(1);
    expect(await lifetime.token()).toBe(first);
    await clock.advance(3_000);
    vault.setDown(false);
    await clock.advance(10_000);
    expect(vault.calls.logins).toBeGreaterThanOrEqual(3);
    const fresh = await lifetime.token();
    expect(fresh).not.toBe(first);
    expect(vault.isLive(fresh)).toBe(true);
    expect(lifetime.status()).toMatchObject({ authenticated: true });
    expect(lifetime.status().lastError).toBeUndefined();
  });

  it('revokes its own token and clears its timers on stop', async () => {
    const { clock, vault, lifetime } = setup();
    await lifetime.token();
    expect(clock.pendingTimers()).toBe(1);
    await lifetime.stop();
    expect(vault.calls.revocations).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
    await expect(lifetime.token()).rejects.toThrow(/stopped/);
  });

  it('does not revoke a token handed in from outside', async () => {
    const clock = createManualClock();
    const revokeSelf = jest.fn(async () => undefined);
    const lifetime = createTokenLifetime({
      auth: {
        name: 'token',
        revokeOnStop: false,
        login: async () => ({
          clientToken: 'root',
          accessor: '',
          policies: ['root'],
          tokenPolicies: [],
          leaseDurationSeconds: 0,
          renewable: false,
          entityId: '',
          metadata: null,
        }),
      },
      loginTransport: {} as LoginTransport,
      renewSelf: jest.fn(),
      revokeSelf,
      clock,
    });
    await lifetime.login();
    expect(lifetime.status()).toEqual({ authenticated: true, logins: 1 });
    expect(clock.pendingTimers()).toBe(0);
    await lifetime.stop();
    expect(revokeSelf).not.toHaveBeenCalled();
  });

  it('uses unref’d real timers when the clock brings none', async () => {
    const vault = createFakeVault({ now: Date.now }, 3600, 7200);
    const lifetime = createTokenLifetime({
      auth: vault.method,
      loginTransport: {} as LoginTransport,
      renewSelf: vault.renewSelf,
      revokeSelf: vault.revokeSelf,
      clock: { now: Date.now },
    });
    const spy = jest.spyOn(global, 'setTimeout');
    await lifetime.login();
    const timers = spy.mock.results.map((r) => r.value as NodeJS.Timeout);
    spy.mockRestore();
    expect(timers.length).toBe(1);
    expect(timers[0].hasRef()).toBe(false);
    await lifetime.stop();
  });
});
