import { startGateway, type RunningGateway } from './gateway';
import {
  closedPort,
  echoOf,
  rawRequest,
  startEchoUpstream,
  startSilentUpstream,
  writeTempConfig,
} from '../test/echo-upstream';

// A small config exercising every implemented plugin against real servers on port 0.
const CONFIG = `
upstreams:
  - id: echo
    nodes:
      - host: 127.0.0.1
        port: \${{ECHO_PORT}}
        weight: 1
  - id: down
    nodes:
      - host: 127.0.0.1
        port: \${{DOWN_PORT}}
        weight: 1
  - id: silent
    nodes:
      - host: 127.0.0.1
        port: \${{SILENT_PORT}}
        weight: 1
    timeout: {connect: 1, send: 0.2, read: 0.2}
  # Quoted: after raw-text substitution the port is the string "..." and APISIX drops the upstream.
  - id: quoted-port
    nodes:
      - host: 127.0.0.1
        port: "\${{ECHO_PORT}}"
        weight: 1
consumers:
  - username: alice
    labels: {custom_id: cust-a}
    plugins: {key-auth: {key: "\${{ALICE_KEY}}"}}
  - username: bob
    plugins: {key-auth: {key: "\${{BOB_KEY}}"}}
routes:
  - id: api
    uri: /api/*
    plugins:
      request-id: {}
      opentelemetry: {sampler: {name: parent_base, options: {root: {name: always_on}}}}
      key-auth: {hide_credentials: true}
      limit-count: {count: 2, time_window: 60, key: consumer_name, rejected_code: 429, rejected_msg: Too many requests.}
      proxy-rewrite:
        regex_uri: ["^/api/(.*)", "/v2/$1"]
        headers:
          set: {X-Set: fixed, X-Client: $remote_addr}
          add: {X-Added: one}
          remove: [X-Drop]
    upstream_id: echo
  - id: query-key
    uri: /q/*
    plugins:
      key-auth: {hide_credentials: true}
    upstream_id: echo
  - id: shown-key
    uri: /shown/*
    plugins:
      key-auth: {}
    upstream_id: echo
  - id: blocked
    uri: /files/*
    plugins:
      uri-blocker: {block_rules: ["\\\\.env$", "secret"], case_insensitive: true}
    upstream_id: echo
  - id: plain
    uri: /plain
    upstream_id: echo
  - id: rehost
    uri: /rehost
    plugins: {proxy-rewrite: {host: internal.example, method: PUT}}
    upstream_id: echo
  - id: post-only
    uri: /post-only
    methods: [POST]
    upstream_id: echo
  - id: low
    uri: /prio/*
    priority: 1
    plugins: {proxy-rewrite: {uri: /low}}
    upstream_id: echo
  - id: high
    uri: /prio/*
    priority: 5
    plugins: {proxy-rewrite: {uri: /high}}
    upstream_id: echo
  - id: exact-beats-prefix
    uri: /prio/exact
    plugins: {proxy-rewrite: {uri: /exact}}
    upstream_id: echo
  - id: down
    uri: /down
    upstream_id: down
  - id: slow
    uri: /slow
    upstream_id: silent
  - id: on-dropped-upstream
    uri: /dropped
    plugins:
      key-auth: {}
    upstream_id: quoted-port
  - id: on-unknown-upstream
    uri: /unknown-upstream
    upstream_id: nowhere
#END
`;

const ALICE = 'alice-key-0123456789';
const BOB = 'bob-key-0123456789';

describe('gateway-dev against real upstreams', () => {
  let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
  let silent: Awaited<ReturnType<typeof startSilentUpstream>>;
  let gateway: RunningGateway;
  let clockMs = 1_000_000;

  beforeAll(async () => {
    echo = await startEchoUpstream('echo');
    silent = await startSilentUpstream();
    gateway = await startGateway({
      configPath: writeTempConfig(CONFIG),
      env: {
        ECHO_PORT: String(echo.port),
        DOWN_PORT: String(await closedPort()),
        SILENT_PORT: String(silent.port),
        ALICE_KEY: ALICE,
        BOB_KEY: BOB,
      },
      port: 0,
      now: () => clockMs,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await echo?.close();
    await silent?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.address}${path}`, { headers });

  describe('key-auth', () => {
    it('answers a request without a key with APISIX 401 body and WWW-Authenticate, byte for byte', async () => {
      const response = await get('/api/keys');
      expect(response.status).toBe(401);
      expect(await response.text()).toBe(
        '{"message":"Missing API key in request"}\n',
      );
      expect(response.headers.get('www-authenticate')).toBe(
        'apikey realm="key"',
      );
      expect(response.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8',
      );
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('answers an unknown key with the invalid-key 401 body', async () => {
      const response = await get('/api/keys', { apikey: 'not-a-key' });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe(
        '{"message":"Invalid API key in request"}\n',
      );
      expect(response.headers.get('www-authenticate')).toBe(
        'apikey realm="key"',
      );
    });

    it('hides the header credential and names the consumer upstream, overriding spoofed identities', async () => {
      const response = await get('/q/x', {
        apikey: ALICE,
        'x-consumer-username': 'mallory',
        'x-credential-identifier': 'forged',
      });
      const seen = await echoOf(response);
      expect(response.status).toBe(200);
      expect(seen.headers.apikey).toBeUndefined();
      expect(seen.headers['x-consumer-username']).toBe('alice');
      expect(seen.headers['x-consumer-custom-id']).toBe('cust-a');
      expect(seen.headers['x-credential-identifier']).toBeUndefined();
    });

    it('accepts the key as a query argument, hides only that argument, and prefers the header', async () => {
      const fromQuery = await echoOf(
        await get(`/q/x?a=1&apikey=${BOB}&b=%20two`),
      );
      expect(fromQuery.url).toBe('/q/x?a=1&b=%20two');
      expect(fromQuery.headers['x-consumer-username']).toBe('bob');

      const both = await echoOf(
        await get(`/q/x?apikey=${BOB}`, { apikey: ALICE }),
      );
      expect(both.headers['x-consumer-username']).toBe('alice');
      expect(both.url).toBe(`/q/x?apikey=${BOB}`);
    });

    it('passes the key upstream when hide_credentials is off', async () => {
      const seen = await echoOf(await get('/shown/x', { apikey: ALICE }));
      expect(seen.headers.apikey).toBe(ALICE);
    });
  });

  describe('proxy-rewrite, request-id and tracing', () => {
    it('rewrites the path with regex_uri, keeps the query and applies set/add/remove headers', async () => {
      clockMs += 120_000;
      const seen = await echoOf(
        await get('/api/keys/k1?page=2', {
          apikey: BOB,
          'x-drop': 'gone',
          'x-added': 'zero',
        }),
      );
      expect(seen.url).toBe('/v2/keys/k1?page=2');
      expect(seen.headers['x-set']).toBe('fixed');
      expect(seen.headers['x-client']).toBe('127.0.0.1');
      expect(seen.headers['x-added']).toBe('zero, one');
      expect(seen.headers['x-drop']).toBeUndefined();
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
    });

    it('rewrites the method and the upstream Host while X-Forwarded-Host keeps the client host', async () => {
      const seen = await echoOf(await get('/rehost'));
      expect([
        seen.method,
        seen.headers.host,
        seen.headers['x-forwarded-host'],
      ]).toEqual(['PUT', 'internal.example', '127.0.0.1']);
    });

    it('generates a request id, sends it upstream and returns it; an incoming id is kept', async () => {
      clockMs += 120_000;
      const response = await get('/api/x', { apikey: BOB });
      const seen = await echoOf(response);
      expect(seen.headers['x-request-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(response.headers.get('x-request-id')).toBe(
        seen.headers['x-request-id'],
      );

      const kept = await get('/api/x', {
        apikey: BOB,
        'x-request-id': 'client-chosen-id',
      });
      expect(kept.headers.get('x-request-id')).toBe('client-chosen-id');
      expect((await echoOf(kept)).headers['x-request-id']).toBe(
        'client-chosen-id',
      );
    });

    it('continues an incoming trace as a new gateway span and starts one when there is none', async () => {
      clockMs += 120_000;
      const incoming =
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const continued = await echoOf(
        await get('/api/x', { apikey: BOB, traceparent: incoming }),
      );
      expect(continued.headers.traceparent).toMatch(
        /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
      );
      expect(continued.headers.traceparent).not.toBe(incoming);

      const started = await echoOf(
        await get('/api/x', { apikey: BOB, traceparent: 'garbage' }),
      );
      expect(started.headers.traceparent).toMatch(
        /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
      );
      expect(started.headers.traceparent).not.toContain(
        '0af7651916cd43dd8448eb211c80319c',
      );
    });

    it('passes traceparent through untouched on a route without the opentelemetry plugin', async () => {
      const incoming =
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
      expect(
        (await echoOf(await get('/plain', { traceparent: incoming }))).headers
          .traceparent,
      ).toBe(incoming);
    });

    it('streams a request body to the upstream unchanged', async () => {
      const body = JSON.stringify({ payload: 'x'.repeat(100_000) });
      const response = await fetch(`${gateway.address}/post-only`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect((await echoOf(response)).body).toBe(body);
    });
  });

  describe('limit-count', () => {
    it('allows count requests per consumer per window, then answers 429 with quota headers', async () => {
      clockMs += 120_000;
      const first = await get('/api/x', { apikey: ALICE });
      expect([
        first.status,
        first.headers.get('x-ratelimit-limit'),
        first.headers.get('x-ratelimit-remaining'),
      ]).toEqual([200, '2', '1']);
      expect(first.headers.get('x-ratelimit-reset')).toBe('60');
      clockMs += 10_000;
      expect(
        (await get('/api/x', { apikey: ALICE })).headers.get(
          'x-ratelimit-remaining',
        ),
      ).toBe('0');

      const rejected = await get('/api/x', { apikey: ALICE });
      expect(rejected.status).toBe(429);
      expect(await rejected.text()).toBe(
        '{"error_msg":"Too many requests."}\n',
      );
      expect(rejected.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(rejected.headers.get('x-ratelimit-reset')).toBe('50');

      expect((await get('/api/x', { apikey: BOB })).status).toBe(200);
      clockMs += 50_000;
      expect((await get('/api/x', { apikey: ALICE })).status).toBe(200);
    });
  });

  describe('uri-blocker and routing', () => {
    it.each(['/files/app/.env', '/files/SECRET.txt', '/files/x?name=secret'])(
      'blocks %s with 403 and the nginx page',
      async (path) => {
        const response = await get(path);
        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toBe(
          'text/html; charset=utf-8',
        );
        expect(await response.text()).toContain(
          '<center><h1>403 Forbidden</h1></center>',
        );
      },
    );

    it('lets other paths of a uri-blocker route through', async () => {
      expect((await get('/files/readme.txt')).status).toBe(200);
    });

    it('answers an unknown path with APISIX 404 body', async () => {
      const response = await get('/v1/sys/health');
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(
        '{"error_msg":"404 Route Not Found"}\n',
      );
    });

    it('treats a method outside the route methods as no route', async () => {
      expect((await get('/post-only')).status).toBe(404);
    });

    it('prefers an exact uri, then the higher priority among equal prefixes', async () => {
      expect((await echoOf(await get('/prio/exact'))).url).toBe('/exact');
      expect((await echoOf(await get('/prio/other'))).url).toBe('/high');
    });

    it('matches on the normalised path, like nginx $uri', async () => {
      const response = await rawRequest(
        gateway.port,
        '/plain/../files/%2e%2e/plain',
      );
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).url).toBe('/plain');
      expect((await rawRequest(gateway.port, '/../etc/passwd')).status).toBe(
        400,
      );
    });
  });

  describe('upstream failures', () => {
    it('answers 502 with the APISIX error page when the upstream refuses connections', async () => {
      const response = await get('/down');
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
    });

    // schema_def.lua (node port: integer) + config_yaml.lua sync_data (drops the item) +
    // apisix/init.lua handle_upstream (`core.response.exit(502)` after the plugins ran).
    it('answers 502 on a route whose upstream APISIX drops (quoted port), after its plugins ran', async () => {
      const before = echo.received.length;
      expect((await get('/dropped')).status).toBe(401);
      const response = await get('/dropped', { apikey: ALICE });
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
      expect(echo.received.length).toBe(before);
    });

    it('answers 502 on a route whose upstream_id names no upstream', async () => {
      expect((await get('/unknown-upstream')).status).toBe(502);
    });

    it('answers 504 when the upstream does not respond within its read timeout', async () => {
      const response = await get('/slow');
      expect(response.status).toBe(504);
      expect(await response.text()).toContain(
        '<title>504 Gateway Time-out</title>',
      );
    });
  });
});
