import {
  VaultResponseError,
  VaultUnavailableError,
} from '@secret-flows/vault-client';
import { createWalletCore } from '@secret-flows/wallet-core';
import type { TenantPrincipal } from '../auth/auth.middleware';
import { createFakeKv } from '@secret-flows/wallet-core/testing';
import { createJwtExchangeTenantDataAccess } from './jwt-exchange';

function setup(
  options: { leaseSeconds?: number; maxEntries?: number; fail?: unknown } = {},
) {
  let nowMs = Date.parse('2026-11-29T12:00:00Z');
  const fake = createFakeKv();
  const logins: string[] = [];
  const tokensUsed: string[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const access = createJwtExchangeTenantDataAccess({
    walletCore: createWalletCore({ kvMount: 'secret' }),
    async login(jwt) {
      logins.push(jwt);
      if (gate) await gate;
      if (options.fail) throw options.fail;
      return {
        clientToken: `token-for-${jwt}-${logins.length}`,
        leaseDurationSeconds: options.leaseSeconds ?? 3600,
      };
    },
    withToken: (token) => ({
      kvV2: () => {
        tokensUsed.push(token);
        return fake.kv as never;
      },
    }),
    maxEntries: options.maxEntries,
    now: () => nowMs,
  });
  // Distinct test tokens are distinct issuances (a new iat each); the same string is the same one.
  const issued = new Map<string, number>();
  const principal = (
    jwt: string,
    tenantId = 'acme',
    expiresInSeconds = 600,
  ): TenantPrincipal => ({
    tenantId,
    subject: 'entity',
    issuer: 'http://vault/v1/identity/oidc',
    issuedAt:
      issued.get(jwt) ?? (issued.set(jwt, issued.size + 1), issued.size),
    jwt,
    expiresAt: new Date(nowMs + expiresInSeconds * 1000),
  });
  return {
    access,
    logins,
    tokensUsed,
    principal,
    advance: (seconds: number) => {
      nowMs += seconds * 1000;
    },
    hold: () => {
      gate = new Promise((resolve) => (release = resolve));
    },
    release: () => release?.(),
  };
}

describe('JWT exchange tenant data access', () => {
  it('exchanges a JWT once and reuses the tenant token for later requests', async () => {
    const s = setup();
    const p = s.principal('jwt-a');
    await (await s.access.walletFor(p)).secrets.put('x', 'v');
    await (await s.access.walletFor(p)).secrets.get('x');
    expect(s.logins).toEqual(['jwt-a']);
    expect(new Set(s.tokensUsed)).toEqual(new Set(['token-for-jwt-a-1']));
    expect(s.access.stats()).toMatchObject({ exchanges: 1, cacheHits: 1 });
  });

  it('makes one exchange for different token strings with the same verified meaning (attack 4)', async () => {
    const s = setup();
    const original = s.principal('jwt-original');
    // e.g. the same claims signed with s and with n - s: both verify, the strings differ.
    const variants = ['jwt-high-s', 'jwt-other-kid', 'jwt-original'].map(
      (jwt) => ({ ...original, jwt }),
    );
    for (const p of [original, ...variants])
      await (await s.access.walletFor(p)).secrets.put('x', 'v');
    expect(s.logins).toEqual(['jwt-original']);
    // A different issuance (another iat) or another subject is another exchange.
    await s.access.walletFor({
      ...original,
      issuedAt: (original.issuedAt ?? 0) + 1,
    });
    await s.access.walletFor({ ...original, subject: 'someone-else' });
    expect(s.logins).toHaveLength(3);
  });

  it('makes one exchange for many concurrent requests carrying the same JWT', async () => {
    const s = setup();
    s.hold();
    const p = s.principal('jwt-burst');
    const pending = Array.from({ length: 20 }, () => s.access.walletFor(p));
    s.release();
    await Promise.all(pending);
    expect(s.logins).toHaveLength(1);
  });

  it('makes one exchange per distinct JWT', async () => {
    const s = setup();
    await Promise.all(
      ['a', 'b', 'c', 'a', 'b'].map((jwt) =>
        s.access.walletFor(s.principal(jwt)),
      ),
    );
    expect([...s.logins].sort()).toEqual(['a', 'b', 'c']);
  });

  it('exchanges again shortly before the JWT expires', async () => {
    const s = setup();
    const p = s.principal('short-jwt', 'acme', 100);
    await s.access.walletFor(p);
    s.advance(60);
    await s.access.walletFor(p);
    expect(s.logins).toHaveLength(1);
    s.advance(15); // 25 s left: inside the 30 s margin
    await s.access.walletFor(p);
    expect(s.logins).toHaveLength(2);
  });

  it('exchanges again shortly before the Vault token expires when it lives shorter than the JWT', async () => {
    const s = setup({ leaseSeconds: 60 });
    const p = s.principal('long-jwt', 'acme', 3600);
    await s.access.walletFor(p);
    s.advance(31);
    await s.access.walletFor(p);
    expect(s.logins).toHaveLength(2);
  });

  it('keeps at most maxEntries tokens, dropping the least recently used', async () => {
    const s = setup({ maxEntries: 2 });
    for (const jwt of ['a', 'b', 'a', 'c'])
      await s.access.walletFor(s.principal(jwt));
    expect(s.access.stats().cached).toBe(2);
    await s.access.walletFor(s.principal('a'));
    await s.access.walletFor(s.principal('b'));
    expect(s.logins).toEqual(['a', 'b', 'c', 'b']);
  });

  it('answers 401 when Vault refuses the JWT and does not cache the failure', async () => {
    const refused = new VaultResponseError({
      status: 400,
      errors: ['error validating token: token is expired'],
      path: 'auth/jwt/login',
    });
    const s = setup({ fail: refused });
    await expect(s.access.walletFor(s.principal('bad'))).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    await expect(s.access.walletFor(s.principal('bad'))).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(s.logins).toHaveLength(2);
  });

  it('answers 503 when Vault is unreachable during the exchange', async () => {
    const s = setup({
      fail: new VaultUnavailableError({
        path: 'auth/jwt/login',
        reason: 'ECONNREFUSED',
        attempts: 3,
      }),
    });
    await expect(s.access.walletFor(s.principal('x'))).rejects.toMatchObject({
      code: 'vault_unavailable',
      status: 503,
    });
  });

  it("gives each request the wallet of the JWT's own tenant", async () => {
    const s = setup();
    const wallet = await s.access.walletFor(s.principal('jwt-b', 'bravo'));
    expect(wallet.tenantId).toBe('bravo');
  });
});
