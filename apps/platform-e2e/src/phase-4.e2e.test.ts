import { runDemo, platformInfo, type Platform } from '@secret-flows/cli';
import { http, processEnv, startTestPlatform } from './support/platform';

// Low enough to reach in a test, high enough for the demo flow (about ten calls per tenant).
const TENANT_RATE_LIMIT = 30;

describe('phase 4: two tenants, isolation enforced by Vault', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(4, {
      env: {
        wallet: {
          WALLET_TENANT_RATE_LIMIT_PER_MINUTE: String(TENANT_RATE_LIMIT),
        },
      },
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const admin = (
    method: string,
    path: string,
    opts: { key?: string | null; body?: unknown } = {},
  ) => {
    const headers: Record<string, string> = { apikey: platform.apiKey };
    if (opts.key !== null)
      headers['x-admin-api-key'] = opts.key ?? platform.adminApiKey;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return http(`${platform.urls.gateway}/cloud-agent${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  };

  it('creates two demo tenants through the admin API, each with a login shown once', () => {
    expect(platform.tenants).toHaveLength(2);
    for (const t of platform.tenants) {
      expect(t.username).toEqual(expect.any(String));
      expect(t.password).toEqual(expect.any(String));
    }
  });

  it("runs both tenants' flows and refuses cross-tenant reads of a key and a secret with 404", async () => {
    const steps = await runDemo(platformInfo(platform));
    expect(steps.map((s) => s.ok)).not.toContain(false);
    expect(steps.some((s) => /try to read .*'s key/.test(s.step))).toBe(true);
    expect(steps.some((s) => /try to read .*'s secret/.test(s.step))).toBe(
      true,
    );
  });

  it('lists and reads the tenants through the gateway in the Identus page shape, never showing a password again', async () => {
    const page = await admin('GET', '/wallets?offset=0&limit=1');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      kind: 'WalletPage',
      contents: [expect.objectContaining({ id: expect.any(String) })],
      next: expect.any(String),
    });
    const all = await admin('GET', '/wallets');
    const ids = (all.body as { contents: { id: string }[] }).contents.map(
      (w) => w.id,
    );
    expect(ids).toEqual(
      expect.arrayContaining(platform.tenants.map((t) => t.id)),
    );
    const one = await admin('GET', `/wallets/${platform.tenants[0].id}`);
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(platform.tenants[0].password as string);
    expect(one.body).not.toHaveProperty('login');
  });

  it('refuses the admin API without the admin key (401) or with a wrong one (403), creating nothing', async () => {
    const before = (
      (await admin('GET', '/wallets')).body as { contents: unknown[] }
    ).contents.length;
    expect(
      (
        await admin('POST', '/wallets', {
          key: null,
          body: { name: 'intruder' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await admin('POST', '/wallets', {
          key: `${platform.adminApiKey}x`,
          body: { name: 'intruder' },
        })
      ).status,
    ).toBe(403);
    expect((await admin('GET', '/wallets', { key: 'wrong' })).status).toBe(403);
    expect(
      ((await admin('GET', '/wallets')).body as { contents: unknown[] })
        .contents.length,
    ).toBe(before);
  });

  it('answers a duplicate id with 409 and bad input with 400', async () => {
    const id = platform.tenants[0].id;
    expect(
      (await admin('POST', '/wallets', { body: { id, name: 'again' } })).status,
    ).toBe(409);
    expect(
      (
        await admin('POST', '/wallets', {
          body: { name: 'x', seed: 'not-hex' },
        })
      ).status,
    ).toBe(400);
    expect((await admin('POST', '/wallets', { body: {} })).status).toBe(400);
  });

  it('runs the wallet in multi tenancy with the provisioner AppRole and the agent without Vault credentials', () => {
    expect(processEnv(platform.processes.wallet?.pid)['WALLET_TENANCY']).toBe(
      'multi',
    );
    expect(
      Object.keys(processEnv(platform.processes.agent?.pid)).filter((k) =>
        k.startsWith('VAULT_'),
      ),
    ).toEqual([]);
  });

  it('limits a tenant that exceeds its own rate (429 + Retry-After) while the other tenant is still served', async () => {
    const [noisy, quiet] = await Promise.all(
      platform.tenants.map((t) =>
        jwtOf(t.username as string, t.password as string),
      ),
    );
    const call = (jwt: string) =>
      http(`${platform.urls.gateway}/cloud-agent/secrets`, {
        headers: { apikey: platform.apiKey, authorization: `Bearer ${jwt}` },
      });
    const burst = await Promise.all(
      Array.from({ length: TENANT_RATE_LIMIT + 10 }, () => call(noisy)),
    );
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(limited[0].body).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(quiet)).status).toBe(200);
  });

  async function jwtOf(username: string, password: string): Promise<string> {
    const login = await http(
      `${platform.urls.gateway}/auth/login/${username}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
      },
    );
    const token = (login.body as { auth: { client_token: string } }).auth
      .client_token;
    const jwt = await http(`${platform.urls.gateway}/auth/token`, {
      headers: { 'x-vault-token': token },
    });
    return (jwt.body as { data: { token: string } }).data.token;
  }
});
