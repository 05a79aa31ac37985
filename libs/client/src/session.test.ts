import { createClient } from './client';
import { fakePlatform, problem } from '../test/fake-platform';

const credentials = { username: 'demo', password: 'pw' };

function client(
  p: ReturnType<typeof fakePlatform>,
  extra: Partial<Parameters<typeof createClient>[0]> = {},
) {
  return createClient({
    gatewayUrl: 'http://gw.test/',
    apiKey: 'k',
    credentials,
    fetch: p.fetch,
    clock: p.clock,
    ...extra,
  });
}

describe('login and the tenant JWT', () => {
  it('logs in through the gateway, fetches the JWT with the Vault token and sends apikey + Bearer', async () => {
    const p = fakePlatform();
    await client(p).secrets.list();
    const [login, token, call] = p.seen;
    expect(login).toMatchObject({
      method: 'POST',
      path: '/auth/login/demo',
      body: { password: 'pw' },
    });
    expect(login.headers['apikey']).toBeUndefined();
    expect(token).toMatchObject({ method: 'GET', path: '/auth/token' });
    expect(token.headers['x-vault-token']).toBe('hvs.1');
    expect(call).toMatchObject({ method: 'GET', path: '/cloud-agent/secrets' });
    expect(call.headers['apikey']).toBe('k');
    expect(call.headers['authorization']).toMatch(
      /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/,
    );
  });

  it('reuses the JWT while it is fresh and renews it 30 s (configurable) before exp, with the frozen clock', async () => {
    const p = fakePlatform({ jwtTtlSeconds: 300 });
    const c = client(p);
    await c.keys.list();
    p.advance(300 - 31); // 31 s before exp: still fresh
    await c.keys.list();
    expect(p.counts.token).toBe(1);
    p.advance(2); // 29 s before exp: inside the refresh window, not yet expired
    await c.keys.list();
    expect(p.counts.token).toBe(2);
    expect(p.counts.login).toBe(1); // the Vault token is still valid: no new login
    const serials = p.seen
      .filter((s) => s.path === '/cloud-agent/keys')
      .map((s) => p.jwtSerialOf(s));
    expect(serials).toEqual([1, 1, 2]);

    const early = fakePlatform({ jwtTtlSeconds: 300 });
    const c2 = client(early, { refreshBeforeExpirySeconds: 120 });
    await c2.keys.list();
    early.advance(181);
    await c2.keys.list();
    expect(early.counts.token).toBe(2);
  });

  it('logs in again when the Vault token of the login is about to expire', async () => {
    const p = fakePlatform({ jwtTtlSeconds: 300, leaseSeconds: 600 });
    const c = client(p);
    await c.keys.list();
    p.advance(290);
    await c.keys.list(); // JWT renewed with the same Vault token
    expect(p.counts).toMatchObject({ login: 1, token: 2 });
    p.advance(290); // 20 s before the lease ends
    await c.keys.list();
    expect(p.counts).toMatchObject({ login: 2, token: 3 });
  });

  it('logs in once more when the Vault token was revoked early, then carries on', async () => {
    const p = fakePlatform({ jwtTtlSeconds: 60 });
    const c = client(p);
    await c.keys.list();
    p.revokeVaultTokens();
    p.advance(45);
    await c.keys.list();
    expect(p.counts).toMatchObject({ login: 2, token: 3 });
  });

  it('single-flight: 100 concurrent first calls make one login and one token fetch', async () => {
    const p = fakePlatform();
    const c = client(p);
    await Promise.all(Array.from({ length: 100 }, () => c.secrets.list()));
    expect(p.counts).toEqual({ login: 1, token: 1, agent: 100 });
    expect(
      new Set(
        p.seen
          .filter((s) => s.path === '/cloud-agent/secrets')
          .map((s) => p.jwtSerialOf(s)),
      ),
    ).toEqual(new Set([1]));
  });

  it('single-flight: 100 concurrent calls at the refresh point make one renewal', async () => {
    const p = fakePlatform({ jwtTtlSeconds: 300 });
    const c = client(p);
    await c.keys.list();
    p.advance(280);
    await Promise.all(Array.from({ length: 100 }, () => c.keys.list()));
    expect(p.counts).toEqual({ login: 1, token: 2, agent: 101 });
  });

  it('a JWT the agent refuses (401 problem) is renewed once and the call retried, even a POST', async () => {
    let refused = 0;
    const p = fakePlatform({
      routes: (req) => {
        if (p.jwtSerialOf(req) === 1) {
          refused++;
          return problem('unauthorized', 401);
        }
        return undefined as unknown as Response;
      },
    });
    const c = client(p);
    await c.keys.create({ type: 'Ed25519' });
    expect(refused).toBe(1);
    expect(p.counts.token).toBe(2);
    const posts = p.seen.filter((s) => s.path === '/cloud-agent/keys');
    expect(posts.map((s) => p.jwtSerialOf(s))).toEqual([1, 2]);
  });

  it('gives up after one renewal when the agent keeps refusing (401 surfaces)', async () => {
    const p = fakePlatform({ routes: () => problem('unauthorized', 401) });
    await expect(client(p).keys.list()).rejects.toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(p.counts).toMatchObject({ token: 2, agent: 2 });
  });

  it('a wrong password is an unauthorized error and the password is in no error text', async () => {
    const p = fakePlatform();
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      credentials: { username: 'demo', password: 'hunter2-wrong' },
      fetch: p.fetch,
      clock: p.clock,
    });
    const err = await c.keys.list().catch((e: unknown) => e as Error);
    expect(err).toMatchObject({
      name: 'SecretFlowsError',
      code: 'unauthorized',
      status: 400,
      operation: 'auth.login',
    });
    expect(JSON.stringify(err) + String(err)).not.toContain('hunter2-wrong');
    expect(p.counts.agent).toBe(0);
  });

  it('without credentials (phases 1-2): no login, no Authorization header, the API key only', async () => {
    const p = fakePlatform();
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      fetch: p.fetch,
    });
    await c.keys.list();
    await c.secrets.put('a/b', { value: 'v' });
    expect(p.counts).toEqual({ login: 0, token: 0, agent: 2 });
    for (const s of p.seen) {
      expect(s.headers['authorization']).toBeUndefined();
      expect(s.headers['apikey']).toBe('k');
    }
    expect(() => c.auth.token()).toThrow(/no credentials/);
  });

  it('auth.login and auth.token expose the policies and the claims (for the demo)', async () => {
    const p = fakePlatform({ jwtTtlSeconds: 300 });
    const c = client(p);
    const login = await c.auth.login();
    expect(login.policies).toEqual(['default', 'tenant-login']);
    expect(login.expiresAt?.getTime()).toBe(p.clock() + 3600_000);
    const token = await c.auth.token();
    expect(token.claims).toMatchObject({
      tenant_id: 'default',
      aud: 'secret-flows-agent',
    });
    expect(token.expiresAt?.getTime()).toBe(p.clock() + 300_000);
    expect(p.counts).toMatchObject({ login: 1, token: 1 });
  });
});
