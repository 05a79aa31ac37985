import { ERROR_CODES, ERROR_STATUS } from '@secret-flows/contracts';
import { createClient } from './client';
import {
  SecretFlowsError,
  isSecretFlowsError,
  parseRetryAfter,
} from './errors';
import type { ResponseInfo } from './transport';
import {
  fakePlatform,
  json,
  problem,
  recordingSleep,
  type Handler,
} from '../test/fake-platform';

function setup(
  routes: Handler,
  extra: Partial<Parameters<typeof createClient>[0]> = {},
) {
  const p = fakePlatform({ routes });
  const s = recordingSleep();
  const c = createClient({
    gatewayUrl: 'http://gw.test',
    apiKey: 'k',
    fetch: p.fetch,
    clock: p.clock,
    sleep: s.sleep,
    ...extra,
  });
  return { p, c, delays: s.delays };
}

/** Answers the given responses in order, then 200 `{}`. */
function sequence(...responses: Array<() => Response>): Handler {
  let i = 0;
  return () =>
    i < responses.length ? responses[i++]() : json(200, { names: [] });
}

describe('Retry-After and bounded retries', () => {
  it.each([
    [503, 'wallet_unavailable'],
    [429, 'rate_limited'],
  ])(
    'a GET answered %i waits Retry-After seconds, then succeeds',
    async (status, code) => {
      const { c, p, delays } = setup(
        sequence(() => problem(code, status, {}, { 'retry-after': '3' })),
      );
      await expect(c.secrets.list()).resolves.toEqual({ names: [] });
      expect(delays).toEqual([3000]);
      expect(p.counts.agent).toBe(2);
    },
  );

  it('reads Retry-After as an HTTP-date too', async () => {
    const { c, p, delays } = setup(() => json(200, {}));
    const when = new Date(p.clock() + 5000).toUTCString();
    const { c: c2, delays: d2 } = setup(
      sequence(() =>
        problem('service_unavailable', 503, {}, { 'retry-after': when }),
      ),
    );
    await c2.secrets.list();
    expect(d2).toEqual([5000]);
    expect(parseRetryAfter(when, p.clock())).toBe(5);
    expect(parseRetryAfter('soon', p.clock())).toBeUndefined();
    expect(delays).toEqual([]);
    await c.secrets.list();
  });

  it('waits 1 s (the platform default) when a 503 has no Retry-After', async () => {
    const { c, delays } = setup(
      sequence(() => problem('vault_unavailable', 503)),
    );
    await c.keys.list();
    expect(delays).toEqual([1000]);
  });

  it('stops after maxRetries (default 2) and throws the last error with its Retry-After', async () => {
    const { c, p, delays } = setup(() =>
      problem('wallet_unavailable', 503, {}, { 'retry-after': '1' }),
    );
    const err = await c.keys
      .get('8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretFlowsError);
    expect(err).toMatchObject({
      code: 'wallet_unavailable',
      status: 503,
      retryAfterSeconds: 1,
    });
    expect(p.counts.agent).toBe(3);
    expect(delays).toEqual([1000, 1000]);

    const { c: once, p: p1 } = setup(() => problem('wallet_unavailable', 503), {
      maxRetries: 0,
    });
    await expect(once.keys.list()).rejects.toMatchObject({
      code: 'wallet_unavailable',
    });
    expect(p1.counts.agent).toBe(1);
  });

  it('does not wait for a Retry-After longer than maxRetryDelaySeconds', async () => {
    const { c, p, delays } = setup(() =>
      problem('rate_limited', 429, {}, { 'retry-after': '60' }),
    );
    await expect(c.secrets.list()).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 60,
    });
    expect(delays).toEqual([]);
    expect(p.counts.agent).toBe(1);
  });

  it.each([
    [
      'keys.create',
      (c: ReturnType<typeof createClient>) =>
        c.keys.create({ type: 'Ed25519' }),
    ],
    [
      'keys.sign',
      (c: ReturnType<typeof createClient>) =>
        c.keys.sign('8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d', { payload: 'aGk' }),
    ],
    [
      'secrets.put',
      (c: ReturnType<typeof createClient>) =>
        c.secrets.put('a', { value: 'v' }),
    ],
    [
      'secrets.delete',
      (c: ReturnType<typeof createClient>) => c.secrets.delete('a'),
    ],
    [
      'keys.delete',
      (c: ReturnType<typeof createClient>) =>
        c.keys.delete('8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d'),
    ],
    [
      'keys.rotate',
      (c: ReturnType<typeof createClient>) =>
        c.keys.rotate('8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d'),
    ],
  ])(
    'never retries the unsafe call %s: the error carries Retry-After for the application',
    async (_name, run) => {
      const { c, p, delays } = setup(() =>
        problem('wallet_unavailable', 503, {}, { 'retry-after': '2' }),
      );
      await expect(run(c)).rejects.toMatchObject({
        code: 'wallet_unavailable',
        retryAfterSeconds: 2,
      });
      expect(p.counts.agent).toBe(1);
      expect(delays).toEqual([]);
    },
  );

  it('retries a GET after a network failure with backoff, but never a POST', async () => {
    let fail = 2;
    const p = fakePlatform();
    const flaky = async (input: string, init: RequestInit) => {
      if (fail-- > 0) throw new TypeError('fetch failed');
      return p.fetch(input, init);
    };
    const s = recordingSleep();
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      fetch: flaky,
      sleep: s.sleep,
    });
    await c.keys.list();
    expect(s.delays).toEqual([200, 400]);
    fail = 1;
    const err = await c.keys
      .create({ type: 'Ed25519' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'service_unavailable', status: 0 });
    expect((err as Error).message).toMatch(/fetch failed/);
  });
});

describe('problem JSON becomes a typed SecretFlowsError', () => {
  it.each(ERROR_CODES.map((code) => [code, ERROR_STATUS[code]] as const))(
    'code %s (HTTP %i)',
    async (code, status) => {
      const fields =
        code === 'validation_failed'
          ? { errors: [{ path: 'type', message: 'Invalid option' }] }
          : {};
      const { c } = setup(
        () => problem(code, status, fields, { 'x-request-id': `hdr-${code}` }),
        { maxRetries: 0 },
      );
      const err = await c.keys
        .create({ type: 'Ed25519' })
        .catch((e: unknown) => e);
      expect(isSecretFlowsError(err)).toBe(true);
      expect(isSecretFlowsError(err, code)).toBe(true);
      const e = err as SecretFlowsError;
      expect(e.code).toBe(code);
      expect(e.status).toBe(status);
      expect(e.detail).toBe(`detail of ${code}`);
      expect(e.requestId).toBe(`hdr-${code}`);
      expect(e.operation).toBe('keys.create');
      expect(e.problem?.code).toBe(code);
      if (code === 'validation_failed')
        expect(e.errors).toEqual([{ path: 'type', message: 'Invalid option' }]);
      expect(e.message).toContain(`hdr-${code}`);
    },
  );

  it('takes the request id from the problem body when the header is missing', async () => {
    const { c } = setup(() => problem('not_found', 404));
    await expect(c.secrets.get('x')).rejects.toMatchObject({
      code: 'not_found',
      requestId: 'rid-not_found',
    });
  });

  it.each([
    [
      401,
      { message: 'Invalid API key in request' },
      'unauthorized',
      'Invalid API key in request',
    ],
    [
      429,
      { error_msg: 'Too many requests.' },
      'rate_limited',
      'Too many requests.',
    ],
    [
      502,
      '<html>502 Bad Gateway</html>',
      'service_unavailable',
      '<html>502 Bad Gateway</html>',
    ],
    [403, 'Access is forbidden.', 'forbidden', 'Access is forbidden.'],
    [418, {}, 'bad_request', 'HTTP 418'],
    [500, {}, 'internal', 'HTTP 500'],
  ] as const)(
    "maps the gateway's own answer %i (not problem JSON) by status",
    async (status, body, code, detail) => {
      const { c } = setup(
        () =>
          new Response(typeof body === 'string' ? body : JSON.stringify(body), {
            status,
            headers: { 'x-request-id': 'gw-1' },
          }),
        { maxRetries: 0 },
      );
      const err = (await c.keys
        .create({ type: 'Ed25519' })
        .catch((e: unknown) => e)) as SecretFlowsError;
      expect(err).toMatchObject({ code, status, detail, requestId: 'gw-1' });
      expect(err.problem).toBeUndefined();
    },
  );

  it('reports every answer, including retried ones, with its request id', async () => {
    const infos: ResponseInfo[] = [];
    const { c } = setup(
      sequence(() =>
        problem(
          'rate_limited',
          429,
          {},
          { 'retry-after': '0', 'x-request-id': 'r-1' },
        ),
      ),
      { onResponse: (i) => infos.push(i) },
    );
    await c.secrets.list();
    expect(infos).toEqual([
      {
        operation: 'secrets.list',
        method: 'GET',
        path: '/cloud-agent/secrets',
        status: 429,
        requestId: 'r-1',
        attempt: 0,
      },
      {
        operation: 'secrets.list',
        method: 'GET',
        path: '/cloud-agent/secrets',
        status: 200,
        attempt: 1,
      },
    ]);
  });
});

describe('paths, queries and headers', () => {
  it('encodes each segment of a secret name, sends ?version and the admin key', async () => {
    const { c, p } = setup(() => json(200, {}), { adminApiKey: 'adm' });
    await c.secrets.get('app/db password', { version: 3 });
    await c.secrets.put('app/x', { value: 'v', cas: 0 });
    await c.admin.wallets.list({ offset: 0, limit: 5 });
    await c.admin.wallets.delete('8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d');
    const [get, put, list, del] = p.seen;
    expect(get.path).toBe('/cloud-agent/secrets/app/db%20password');
    expect(get.query.get('version')).toBe('3');
    expect(put).toMatchObject({ method: 'PUT', body: { value: 'v', cas: 0 } });
    expect(put.headers['content-type']).toBe('application/json');
    expect(list.query.toString()).toBe('offset=0&limit=5');
    expect(list.headers['x-admin-api-key']).toBe('adm');
    expect(del).toMatchObject({
      method: 'DELETE',
      path: '/cloud-agent/wallets/8f0e7c2a-1b6d-4c1e-9a51-3a0f8d1b2c3d',
    });
  });

  it('refuses an admin call without adminApiKey before sending anything', async () => {
    const { c, p } = setup(() => json(200, {}));
    await expect(c.admin.wallets.create({ name: 'x' })).rejects.toMatchObject({
      code: 'unauthorized',
      status: 0,
    });
    expect(p.seen).toHaveLength(0);
  });

  it('resolves delete calls to undefined on 204', async () => {
    const { c } = setup(() => new Response(null, { status: 204 }));
    await expect(c.secrets.delete('a')).resolves.toBeUndefined();
  });
});
