import { VaultResponseError } from '@secret-flows/vault-client';
import { createWalletCore, type TenantKv } from '@secret-flows/wallet-core';
import type { TenantPrincipal } from '../auth/auth.middleware';
import { createFakeKv } from '@secret-flows/wallet-core/testing';
import { createJwtExchangeTenantDataAccess } from './jwt-exchange';

// What happens to cached tenant tokens when Vault stops honouring them: DELETE /v1/tenants/{id}
// disables the tenant's entity (possibly in another wallet replica), and Vault then refuses every
// token of that entity with 403 "permission denied" although it has not expired.
function setup() {
  const fake = createFakeKv();
  const dead = new Set<string>();
  const logins: string[] = [];
  const denied = (path: string) =>
    new VaultResponseError({
      status: 403,
      errors: ['permission denied'],
      path,
    });
  // A KV view that behaves like Vault for one token: dead tokens and foreign paths are refused.
  const kvFor = (token: string): TenantKv => {
    const guard =
      <A extends unknown[], R>(fn: (path: string, ...rest: A) => Promise<R>) =>
      async (path: string, ...rest: A): Promise<R> => {
        if (dead.has(token) || path.includes('forbidden')) throw denied(path);
        return fn(path, ...rest);
      };
    return {
      read: guard(fake.kv.read),
      write: guard(fake.kv.write),
      list: guard(fake.kv.list),
      readMetadata: guard(fake.kv.readMetadata),
      deleteMetadata: guard(fake.kv.deleteMetadata),
    };
  };
  const access = createJwtExchangeTenantDataAccess({
    walletCore: createWalletCore({ kvMount: 'secret' }),
    async login(jwt) {
      logins.push(jwt);
      return {
        clientToken: `token-${logins.length}`,
        leaseDurationSeconds: 3600,
      };
    },
    withToken: (token) => ({ kvV2: () => kvFor(token) as never }),
    isTokenValid: async (token) => !dead.has(token),
  });
  const principal = (jwt: string, tenantId = 'acme'): TenantPrincipal => ({
    tenantId,
    subject: `e-${jwt}`,
    issuer: 'http://vault',
    jwt,
    expiresAt: new Date(Date.now() + 600_000),
  });
  return { access, logins, dead, principal };
}

describe('JWT exchange when Vault stops honouring a cached tenant token', () => {
  it('answers 401 and drops the token, so the next request exchanges the JWT again', async () => {
    const s = setup();
    const p = s.principal('jwt-a');
    await (await s.access.walletFor(p)).secrets.put('x', 'v');
    s.dead.add('token-1');
    await expect(
      (await s.access.walletFor(p)).secrets.get('x'),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    expect(s.access.stats().cached).toBe(0);
    expect((await (await s.access.walletFor(p)).secrets.get('x')).value).toBe(
      'v',
    );
    expect(s.logins).toEqual(['jwt-a', 'jwt-a']);
  });

  it('keeps a 403 on a path the policy does not cover a server-side error and keeps the token', async () => {
    const s = setup();
    const p = s.principal('jwt-a');
    const error = await (await s.access.walletFor(p)).secrets
      .get('forbidden')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'internal' });
    await (await s.access.walletFor(p)).secrets.put('fine', 'v');
    expect(s.logins).toEqual(['jwt-a']);
  });

  it("forgets every cached token of a deleted tenant at once and keeps other tenants' tokens", async () => {
    const s = setup();
    const jwts = [
      s.principal('jwt-a1'),
      s.principal('jwt-a2'),
      s.principal('jwt-b', 'bravo'),
    ];
    for (const p of jwts) await (await s.access.walletFor(p)).secrets.list();
    s.access.forgetTenant('acme');
    for (const p of jwts) await (await s.access.walletFor(p)).secrets.list();
    expect(s.logins).toEqual(['jwt-a1', 'jwt-a2', 'jwt-b', 'jwt-a1', 'jwt-a2']);
  });
});
