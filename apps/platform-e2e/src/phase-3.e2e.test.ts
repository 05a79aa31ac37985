import { runDemo, platformInfo, type Platform } from '@secret-flows/cli';
import { http, processEnv, startTestPlatform } from './support/platform';

const RATE_LIMIT = 40;

describe('phase 3: gateway -> agent -> wallet -> Vault with a Vault-issued tenant JWT', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(3, {
      env: { gateway: { GATEWAY_RATE_LIMIT_COUNT: String(RATE_LIMIT) } },
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('runs the demo flow: login, JWT, key, signature verified locally, secret round trip', async () => {
    const steps = await runDemo(platformInfo(platform));
    expect(steps.map((s) => s.ok)).not.toContain(false);
    expect(steps.map((s) => s.step).join('\n')).toMatch(/fetch the tenant JWT/);
  });

  it('refuses a request with the API key but without a JWT (401 problem JSON)', async () => {
    const res = await http(`${platform.urls.gateway}/cloud-agent/secrets`, {
      headers: { apikey: platform.apiKey },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(
      /application\/problem\+json/,
    );
    expect(res.body).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('refuses a forged JWT (401)', async () => {
    const forged = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"tenant_id":"default"}').toString('base64url')}.`;
    const res = await http(`${platform.urls.gateway}/cloud-agent/secrets`, {
      headers: { apikey: platform.apiKey, authorization: `Bearer ${forged}` },
    });
    expect(res.status).toBe(401);
  });

  it('refuses a wrong API key before the agent sees anything (APISIX 401)', async () => {
    const res = await http(`${platform.urls.gateway}/cloud-agent/secrets`, {
      headers: { apikey: 'wrong' },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Invalid API key in request' });
  });

  it('exposes only the login, token and JWKS routes of Vault through the gateway', async () => {
    const jwks = await http(`${platform.urls.gateway}/auth/jwks`);
    expect(jwks.status).toBe(200);
    expect((jwks.body as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    const sys = await http(`${platform.urls.gateway}/v1/sys/mounts`, {
      headers: { 'x-vault-token': platform.vaultRootToken },
    });
    expect(sys.status).toBe(404);
  });

  it('gives the agent no Vault address or credential at all', () => {
    const env = processEnv(platform.processes.agent?.pid);
    expect(Object.keys(env).filter((k) => k.startsWith('VAULT_'))).toEqual([]);
    expect(env['AGENT_SECRET_BACKEND']).toBe('wallet');
    const walletEnv = processEnv(platform.processes.wallet?.pid);
    expect(walletEnv['VAULT_APPROLE_SECRET_ID_FILE']).toBeDefined();
    expect(walletEnv['VAULT_TOKEN']).toBeUndefined();
  });

  it('rate-limits a consumer with 429 and X-RateLimit headers', async () => {
    const statuses: number[] = [];
    let limited: Headers | undefined;
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      const res = await fetch(
        `${platform.urls.gateway}/cloud-agent/_system/health`,
        { headers: { apikey: platform.apiKey } },
      );
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 429) limited = res.headers;
    }
    expect(statuses).toContain(429);
    expect(limited?.get('x-ratelimit-limit')).toBe(String(RATE_LIMIT));
    expect(limited?.get('x-ratelimit-remaining')).toBe('0');
  });
});
