import * as path from 'node:path';
import { startGateway, type RunningGateway } from './gateway';
import { echoOf, rawRequest, startEchoUpstream } from '../test/echo-upstream';

// The real deploy/apisix/apisix.yaml, the file production APISIX loads, checked route by route
// (docs/architecture.md) against two echo servers standing in for the agent and Vault.
const PRODUCTION_CONFIG = path.resolve(
  __dirname,
  '../../../deploy/apisix/apisix.yaml',
);
const API_KEY = 'demo-key-for-tests-0123456789';

describe('deploy/apisix/apisix.yaml served by gateway-dev', () => {
  let agent: Awaited<ReturnType<typeof startEchoUpstream>>;
  let vault: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    agent = await startEchoUpstream('agent');
    vault = await startEchoUpstream('vault');
    gateway = await startGateway({
      configPath: PRODUCTION_CONFIG,
      env: {
        AGENT_UPSTREAM: `127.0.0.1:${agent.port}`,
        VAULT_UPSTREAM: `127.0.0.1:${vault.port}`,
        GATEWAY_DEMO_API_KEY: API_KEY,
        GATEWAY_RATE_LIMIT_COUNT: '20',
      },
      port: 0,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await agent?.close();
    await vault?.close();
  });

  const call = (
    target: string,
    options: {
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    } = {},
  ) => fetch(`${gateway.address}${target}`, options);

  it('refuses to start without the demo API key, naming the variable', async () => {
    await expect(
      startGateway({ configPath: PRODUCTION_CONFIG, env: {}, port: 0 }),
    ).rejects.toThrow("can't find environment variable GATEWAY_DEMO_API_KEY");
  });

  // APISIX itself would accept `key: ""` (key-auth consumer_schema: {key = {type = "string"}},
  // no minLength), and an empty apikey header would then authenticate as the demo consumer.
  it('refuses to start when the demo API key is set but empty, naming the variable', async () => {
    await expect(
      startGateway({
        configPath: PRODUCTION_CONFIG,
        env: { GATEWAY_DEMO_API_KEY: '' },
        port: 0,
      }),
    ).rejects.toThrow(
      'consumer "demo": plugin "key-auth": key is empty (set but empty in the environment: GATEWAY_DEMO_API_KEY)',
    );
  });

  it('requires the API key on /cloud-agent/* with APISIX 401 bodies', async () => {
    const missing = await call('/cloud-agent/_system/health');
    expect([missing.status, await missing.text()]).toEqual([
      401,
      '{"message":"Missing API key in request"}\n',
    ]);
    const wrong = await call('/cloud-agent/_system/health', {
      headers: { apikey: 'wrong' },
    });
    expect([wrong.status, await wrong.text()]).toEqual([
      401,
      '{"message":"Invalid API key in request"}\n',
    ]);
  });

  it('forwards /cloud-agent/* to the agent with the prefix stripped, the key hidden and the consumer named', async () => {
    const response = await call('/cloud-agent/secrets/db?version=2', {
      headers: {
        apikey: API_KEY,
        authorization: 'Bearer t',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    });
    const seen = await echoOf(response);
    expect(seen.upstream).toBe('agent');
    expect(seen.url).toBe('/secrets/db?version=2');
    expect(seen.headers.apikey).toBeUndefined();
    expect(seen.headers.authorization).toBe('Bearer t');
    expect(seen.headers['x-consumer-username']).toBe('demo');
    expect(seen.headers['x-request-id']).toBe(
      response.headers.get('x-request-id'),
    );
    expect(seen.headers.traceparent).toMatch(
      /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
    );
    expect(response.headers.get('x-ratelimit-limit')).toBe('20');
  });

  it.each([
    '/cloud-agent/_system/metrics',
    '/cloud-agent/_system/metrics/',
    '/cloud-agent/_system/metrics?format=text',
    '/cloud-agent//_system//metrics',
    '/cloud-agent/_system/./metrics',
    '/cloud-agent/_system%2Fmetrics',
    '/cloud-agent/%5Fsystem/metrics',
    '/cloud-agent/_SYSTEM/Metrics',
    '/cloud-agent/x/../_system/metrics',
  ])(
    'blocks the agent metrics at %s, even with a valid key',
    async (target) => {
      const before = agent.received.length;
      const response = await rawRequest(gateway.port, target, {
        headers: { apikey: API_KEY },
      });
      expect(response.status).toBe(403);
      expect(response.body).toBe('{"error_msg":"Access is forbidden."}\n');
      expect(agent.received.length).toBe(before);
    },
  );

  // A `?` that reaches $uri decoded (%3f/%3F) is not a query separator. apisix/plugins/proxy-rewrite.lua
  // applies regex_uri to the decoded $uri and, when that already holds a `?`, re-encodes the whole
  // result with core.utils.uri_safe_encode, so the agent sees `%3F` in the path: never its metrics
  // route with a query (the block route does not match `metrics?`, the agent answers 404).
  it.each([
    ['/cloud-agent/_system/metrics%3f', '/_system/metrics%3F'],
    ['/cloud-agent/_system/metrics%3F', '/_system/metrics%3F'],
    [
      '/cloud-agent/_system/metrics%3Fformat=text',
      '/_system/metrics%3Fformat=text',
    ],
    [
      '/cloud-agent/_system/metrics%3F?format=text',
      '/_system/metrics%3F?format=text',
    ],
  ])(
    'never turns %s into the metrics path with a query (agent sees %s)',
    async (target, expected) => {
      const before = agent.received.length;
      const response = await rawRequest(gateway.port, target, {
        headers: { apikey: API_KEY },
      });
      expect(response.status).toBe(200);
      expect(agent.received.slice(before).map((seen) => seen.url)).toEqual([
        expected,
      ]);
    },
  );

  it('keeps a decoded ? in a secret name in the path, not the query', async () => {
    const seen = await echoOf(
      await call('/cloud-agent/secrets/what%3Fnot?version=2', {
        headers: { apikey: API_KEY },
      }),
    );
    expect(seen.url).toBe('/secrets/what%3Fnot?version=2');
  });

  it('sends POST /auth/login/{username} to Vault userpass login without any client token', async () => {
    const body = JSON.stringify({ password: 'pw' });
    const response = await call('/auth/login/alice', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-vault-token': 'should-not-pass',
      },
    });
    const seen = await echoOf(response);
    expect([seen.upstream, seen.method, seen.url, seen.body]).toEqual([
      'vault',
      'POST',
      '/v1/auth/userpass/login/alice',
      body,
    ]);
    expect(seen.headers['x-vault-token']).toBeUndefined();
    expect(response.headers.get('x-ratelimit-limit')).toBe('60');
  });

  it('sends GET /auth/token to the tenant OIDC token endpoint with the caller Vault token', async () => {
    const seen = await echoOf(
      await call('/auth/token', { headers: { 'x-vault-token': 'hvs.tenant' } }),
    );
    expect([
      seen.upstream,
      seen.method,
      seen.url,
      seen.headers['x-vault-token'],
    ]).toEqual([
      'vault',
      'GET',
      '/v1/identity/oidc/token/tenant',
      'hvs.tenant',
    ]);
  });

  it('sends GET /auth/jwks to the OIDC keys endpoint and no token', async () => {
    const seen = await echoOf(
      await call('/auth/jwks', { headers: { 'x-vault-token': 'hvs.x' } }),
    );
    expect([seen.upstream, seen.url, seen.headers['x-vault-token']]).toEqual([
      'vault',
      '/v1/identity/oidc/.well-known/keys',
      undefined,
    ]);
  });

  it.each([
    ['GET', '/v1/sys/health'],
    ['POST', '/v1/sys/seal'],
    ['GET', '/v1/secret/data/tenants/default/seed'],
    ['GET', '/auth/login/alice'],
    ['POST', '/auth/login/alice/extra'],
    ['POST', '/auth/login/..%2F..%2Fv1%2Fsys%2Fseal'],
    ['POST', '/auth/token'],
    ['DELETE', '/auth/jwks'],
    ['GET', '/auth/../v1/sys/health'],
    ['GET', '/cloud-agent'],
  ])('reaches nothing else of Vault: %s %s is 404', async (method, target) => {
    const before = vault.received.length;
    const response = await rawRequest(gateway.port, target, { method });
    expect(response.status).toBe(404);
    expect(response.body).toBe('{"error_msg":"404 Route Not Found"}\n');
    expect(vault.received.length).toBe(before);
  });

  it('limits each tenant token to GATEWAY_RATE_LIMIT_COUNT requests per window with 429', async () => {
    let last: Response | undefined;
    for (let index = 0; index < 21; index += 1) {
      last = await call('/cloud-agent/keys', {
        headers: { apikey: API_KEY, authorization: 'Bearer limited.jwt' },
      });
      if (last.status === 429) break;
      await last.arrayBuffer();
    }
    expect(last?.status).toBe(429);
    expect(await last?.text()).toBe('{"error_msg":"Too many requests."}\n');
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
