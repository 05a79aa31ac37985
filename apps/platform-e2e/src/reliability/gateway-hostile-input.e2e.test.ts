import type { Platform } from '@secret-flows/cli';
import fc from 'fast-check';
import { startTestPlatform } from '../support/platform';
import { tenantJwt } from './support/faults';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function send(url: string, init: RequestInit): Promise<Reply> {
  const res = await fetch(url, {
    ...init,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Every answer through the gateway: no 5xx, no stack, no X-Powered-By, a JSON body from whoever answered. */
function expectWellFormed(reply: Reply): void {
  expect(reply.status).toBeGreaterThanOrEqual(200);
  expect(reply.status).toBeLessThan(500);
  expect(reply.headers.get('x-powered-by')).toBeNull();
  expect(reply.text).not.toMatch(/\n\s+at .+:\d+:\d+/);
  if (reply.status === 204 || reply.status === 431) return;
  // A request nginx itself refuses (bad escape, NUL) gets APISIX's error page, as in production.
  if (reply.headers.get('content-type')?.startsWith('text/html')) {
    expect(reply.text).toContain(`<title>${reply.status} `);
    expect(reply.text).toContain('APISIX');
    return;
  }
  // Problem JSON from the agent, {message}/{error_msg} from the gateway (APISIX), {errors} from Vault.
  const body = JSON.parse(reply.text) as Record<string, unknown>;
  if (reply.status >= 400)
    expect(
      ['code', 'message', 'error_msg', 'errors'].some((k) => k in body),
    ).toBe(true);
  if (reply.headers.get('content-type')?.startsWith('application/problem+json'))
    expect(body['status']).toBe(reply.status);
}

const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return 'x';
    }
  }),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2F..%2Fsys%2Fhealth',
    '%c0%ae',
    '%00',
    '%',
    'a/../../b',
    'a'.repeat(2000),
  ),
  fc.uuid(),
);

describe('hostile input through the real gateway (phase 3)', () => {
  let platform: Platform;
  let jwt: string;

  beforeAll(async () => {
    platform = await startTestPlatform(3, {
      env: {
        gateway: {
          GATEWAY_RATE_LIMIT_COUNT: '100000',
          GATEWAY_LOGIN_RATE_LIMIT_COUNT: '100000',
        },
      },
    });
    jwt = await tenantJwt(platform);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('never answers 5xx to random paths, bodies and credentials on the agent routes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom(
          '/keys/{p}',
          '/keys/{p}/sign',
          '/secrets/{p}',
          '/secrets/{p}/{p}',
          '/wallets/{p}',
          '/{p}',
          '/keys',
          '/secrets',
        ),
        fc.array(segment, { minLength: 2, maxLength: 2 }),
        fc.option(
          fc.oneof(
            fc
              .jsonValue({ maxDepth: 2 })
              .map((v) => JSON.stringify(v) ?? 'null'),
            fc.string({ unit: 'binary', maxLength: 100 }),
          ),
        ),
        fc.constantFrom('jwt', 'none', 'garbage'),
        async (method, template, params, body, auth) => {
          let i = 0;
          const path = template.replace(/\{p\}/g, () => params[i++] ?? 'x');
          const headers: Record<string, string> = {
            apikey: platform.apiKey,
            'content-type': 'application/json',
          };
          if (auth !== 'none')
            headers['authorization'] =
              `Bearer ${auth === 'jwt' ? jwt : 'a.b.c'}`;
          const hasBody = body !== null && method !== 'GET';
          expectWellFormed(
            await send(`${platform.urls.gateway}/cloud-agent${path}`, {
              method,
              headers,
              body: hasBody ? body : undefined,
            }),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never answers 5xx to random user names and bodies on the login route', async () => {
    await fc.assert(
      fc.asyncProperty(
        segment,
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
          fc.string({ maxLength: 100 }),
        ),
        async (user, body) => {
          expectWellFormed(
            await send(`${platform.urls.gateway}/auth/login/${user}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }),
          );
        },
      ),
      { numRuns: 30 },
    );
  });

  it.each([
    '/auth/login/..%2F..%2F..%2Fsys%2Fhealth',
    '/auth/login/%2e%2e/%2e%2e/%2e%2e/sys/health',
    '/auth/login/demo/../../../sys/health',
    '/auth/jwks/..%2F..%2Fsys%2Fhealth',
    '/auth/token/..%2F..%2Fsys%2Fmounts',
    '/cloud-agent/..%2F_system%2Fmetrics',
    '/cloud-agent/%2e%2e/cloud-agent/_system/metrics',
  ])('does not let %s reach anything but its own route', async (path) => {
    const method = path.startsWith('/auth/login') ? 'POST' : 'GET';
    const reply = await send(`${platform.urls.gateway}${path}`, {
      method,
      headers: { apikey: platform.apiKey, 'content-type': 'application/json' },
      body: method === 'POST' ? '{}' : undefined,
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.text).not.toMatch(
      /"initialized"|"sealed"|process_cpu|"secret\/"/,
    );
  });

  it('answers huge headers with a 4xx and keeps serving', async () => {
    const reply = await send(`${platform.urls.gateway}/cloud-agent/secrets`, {
      headers: {
        apikey: platform.apiKey,
        authorization: `Bearer ${jwt}`,
        'x-filler': 'a'.repeat(40_000),
      },
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(
      (
        await send(`${platform.urls.gateway}/cloud-agent/secrets`, {
          headers: { apikey: platform.apiKey, authorization: `Bearer ${jwt}` },
        })
      ).status,
    ).toBe(200);
  });

  it('sends API security headers and no X-Powered-By or stack from the agent and the wallet', async () => {
    for (const url of [
      `${platform.urls.gateway}/cloud-agent/secrets`,
      `${platform.urls.gateway}/cloud-agent/secrets/missing`,
      `${platform.urls.gateway}/cloud-agent/nope`,
    ]) {
      const reply = await send(url, {
        headers: { apikey: platform.apiKey, authorization: `Bearer ${jwt}` },
      });
      expect(reply.headers.get('x-powered-by')).toBeNull();
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('content-security-policy')).toMatch(
        /default-src 'none'/,
      );
      expect(reply.headers.get('content-security-policy')).toMatch(
        /frame-ancestors 'none'/,
      );
      expect(reply.headers.get('strict-transport-security')).toMatch(
        /max-age=\d+/,
      );
      expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
      expect(reply.text).not.toMatch(/\n\s+at /);
    }
    for (const path of ['/_system/health', '/secrets', '/nope']) {
      const reply = await send(`${platform.urls.wallet}${path}`, {});
      expect(reply.headers.get('x-powered-by')).toBeNull();
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.text).not.toMatch(/\n\s+at /);
    }
    const gatewayOwn = await send(
      `${platform.urls.gateway}/cloud-agent/secrets`,
      { headers: { apikey: 'wrong' } },
    );
    expect(gatewayOwn.status).toBe(401);
    expect(gatewayOwn.headers.get('x-powered-by')).toBeNull();
  });
});
