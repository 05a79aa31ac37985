import { VaultResponseError, VaultUnavailableError } from './errors';
import {
  camelize,
  createHttpTransport,
  mountOf,
  type Transport,
} from './transport';
import { startFakeHttpServer } from '../test/fakes/fake-http-server';

type Server = Awaited<ReturnType<typeof startFakeHttpServer>>;
const noSleep = async () => undefined;

describe('http transport', () => {
  let server: Server;
  let transport: Transport;
  let replies: Array<{ status: number; body?: unknown } | 'hang' | 'destroy'>;

  beforeAll(async () => {
    server = await startFakeHttpServer(
      (_req, n) => replies[Math.min(n, replies.length) - 1],
    );
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.seen.length = 0;
    replies = [{ status: 200, body: { data: { ok: true } } }];
    transport = createHttpTransport({
      address: server.address,
      namespace: 'team-a',
      timeoutMs: 300,
      sleep: noSleep,
    });
  });
  afterEach(() => transport.close());

  it('sends /v1 paths with the token, X-Vault-Request and the namespace', async () => {
    const res = await transport.send({
      method: 'GET',
      path: 'secret/data/tenants/a b',
      token: 'hvs.abc',
    });
    expect(res).toEqual({ status: 200, body: { data: { ok: true } } });
    const [req] = server.seen;
    expect(req.url).toBe('/v1/secret/data/tenants/a%20b');
    expect(req.headers['x-vault-token']).toBe('hvs.abc');
    expect(req.headers['x-vault-request']).toBe('true');
    expect(req.headers['x-vault-namespace']).toBe('team-a');
  });

  it('leaves the namespace off root-only paths and the token off unauthenticated calls', async () => {
    replies = [{ status: 200, body: { initialized: true } }];
    await transport.send({
      method: 'GET',
      path: 'sys/health',
      token: 'hvs.abc',
      unauthenticated: true,
    });
    expect(server.seen[0].headers['x-vault-namespace']).toBeUndefined();
    expect(server.seen[0].headers['x-vault-token']).toBeUndefined();
  });

  it('aborts a call in flight when its signal aborts, and never retries it', async () => {
    replies = ['hang'];
    transport = createHttpTransport({
      address: server.address,
      timeoutMs: 10_000,
      sleep: noSleep,
    });
    const controller = new AbortController();
    const call = transport.send({
      method: 'LIST',
      path: 'secret/metadata/tenants/a/',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('the caller went away')), 50);
    await expect(call).rejects.toThrow('the caller went away');
    expect(server.seen).toHaveLength(1);
    // An already aborted signal sends nothing.
    await expect(
      transport.send({
        method: 'GET',
        path: 'secret/data/x',
        signal: controller.signal,
      }),
    ).rejects.toThrow('the caller went away');
    expect(server.seen).toHaveLength(1);
  });

  it('sends LIST as GET ?list=true', async () => {
    await transport.send({ method: 'LIST', path: 'secret/metadata/tenants/' });
    expect(server.seen[0].method).toBe('GET');
    expect(server.seen[0].url).toBe('/v1/secret/metadata/tenants/?list=true');
  });

  it('sends PATCH as a JSON merge patch and the wrap TTL header when asked', async () => {
    await transport.send({
      method: 'PATCH',
      path: 'secret/data/x',
      body: { data: { a: 1 } },
      wrapTtlSeconds: 60,
    });
    expect(server.seen[0].headers['content-type']).toBe(
      'application/merge-patch+json',
    );
    expect(server.seen[0].headers['x-vault-wrap-ttl']).toBe('60s');
    expect(JSON.parse(server.seen[0].body)).toEqual({ data: { a: 1 } });
  });

  it('parses an error body into VaultResponseError with readable multierror text', async () => {
    replies = [
      {
        status: 403,
        body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] },
      },
    ];
    const error = await transport
      .send({ method: 'GET', path: 'secret/data/x', token: 'hvs.secret-token' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultResponseError);
    expect(error).toMatchObject({
      status: 403,
      path: 'secret/data/x',
      errors: ['1 error occurred:\n\t* permission denied\n\n'],
    });
    expect((error as Error).message).toBe(
      'Vault answered 403 to GET secret/data/x: permission denied',
    );
    expect((error as Error).message).not.toContain('hvs.');
  });

  it('returns statuses the caller accepts as data', async () => {
    replies = [{ status: 503, body: { sealed: true } }];
    await expect(
      transport.send({ method: 'GET', path: 'sys/health', okStatuses: [503] }),
    ).resolves.toEqual({ status: 503, body: { sealed: true } });
  });

  it('retries an idempotent request on 5xx and succeeds', async () => {
    replies = [
      { status: 500, body: { errors: ['boom'] } },
      { status: 502 },
      { status: 200, body: { data: {} } },
    ];
    await expect(
      transport.send({ method: 'GET', path: 'secret/data/x' }),
    ).resolves.toMatchObject({ status: 200 });
    expect(server.seen).toHaveLength(3);
  });

  it('does not repeat a non-idempotent write after a 5xx and reports Vault unavailable', async () => {
    replies = [
      { status: 500, body: { errors: ['internal error'] } },
      { status: 200 },
    ];
    const error = await transport
      .send({
        method: 'POST',
        path: 'secret/data/x',
        body: { data: { v: 's3cr3t' } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect((error as Error).message).not.toContain('s3cr3t');
    expect(server.seen).toHaveLength(1);
  });

  it('repeats even a write when Vault refused it with 429 or the KV upgrade 400', async () => {
    replies = [
      { status: 429 },
      {
        status: 400,
        body: {
          errors: [
            'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.',
          ],
        },
      },
      { status: 200, body: { data: { version: 1 } } },
    ];
    await expect(
      transport.send({
        method: 'POST',
        path: 'secret/data/x',
        body: { data: {} },
      }),
    ).resolves.toMatchObject({ status: 200 });
    expect(server.seen).toHaveLength(3);
  });

  it('gives up after maxAttempts with VaultUnavailableError carrying the last status', async () => {
    replies = [{ status: 503, body: { errors: ['Vault is sealed'] } }];
    const error = await transport
      .send({ method: 'GET', path: 'secret/data/x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'VaultUnavailableError',
      status: 503,
      attempts: 3,
    });
    expect(server.seen).toHaveLength(3);
  });

  it('times out a hanging request as unavailable', async () => {
    replies = ['hang'];
    const t = createHttpTransport({
      address: server.address,
      timeoutMs: 100,
      retry: { maxAttempts: 1 },
    });
    const error = await t
      .send({ method: 'GET', path: 'secret/data/slow' })
      .catch((e: unknown) => e);
    t.close();
    expect(error).toBeInstanceOf(VaultUnavailableError);
    expect((error as Error).message).toContain('timed out after 100 ms');
  });

  it('reports a refused connection as unavailable after retrying', async () => {
    const t = createHttpTransport({
      address: 'http://127.0.0.1:1',
      sleep: noSleep,
    });
    const error = await t
      .send({ method: 'POST', path: 'auth/approle/login', body: {} })
      .catch((e: unknown) => e);
    t.close();
    expect(error).toMatchObject({ name: 'VaultUnavailableError', attempts: 3 });
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const before = server.connections();
    for (let i = 0; i < 5; i++)
      await transport.send({ method: 'GET', path: 'secret/data/x' });
    expect(server.connections() - before).toBe(1);
  });

  it('rejects an address that is not http(s)', () => {
    expect(() => createHttpTransport({ address: 'ftp://vault' })).toThrow(
      /http\(s\)/,
    );
  });
});

describe('camelize', () => {
  it('converts keys deeply but copies opaque user data as is', () => {
    const out = camelize(
      {
        lease_duration: 1,
        data: { user_key: 1 },
        custom_metadata: { my_key: 'v' },
        list: [{ a_b: 1 }],
      },
      ['data', 'custom_metadata'],
    );
    expect(out).toEqual({
      leaseDuration: 1,
      data: { user_key: 1 },
      customMetadata: { my_key: 'v' },
      list: [{ aB: 1 }],
    });
  });
});

describe('mountOf', () => {
  it.each([
    ['secret/data/x', 'secret'],
    ['auth/approle/login', 'auth/approle'],
    ['sys/health', 'sys'],
  ])('names the mount of %s as %s', (path, mount) => {
    expect(mountOf(path)).toBe(mount);
  });
});
