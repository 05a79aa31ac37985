import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError, KeyListSchema } from '@secret-flows/contracts';
import {
  createWalletHttpClient,
  type ServiceTokenClaims,
} from './wallet-http-client';

type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  hit: number,
) => void;

/** A stand-in wallet on 127.0.0.1:0 whose behaviour each test scripts, counting the requests it saw. */
async function standIn(handler: Handler) {
  let hits = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    hits += 1;
    seen.push(req.headers);
    handler(req, res, hits);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits: () => hits,
    seen,
    close: () =>
      new Promise<void>(
        (resolve) => (
          server.closeAllConnections(),
          server.close(() => resolve())
        ),
      ),
  };
}

function clientFor(url: string, timeoutMs = 2000) {
  const claims: ServiceTokenClaims[] = [];
  const observed: Array<[string, string]> = [];
  const client = createWalletHttpClient({
    baseUrl: url,
    timeoutMs,
    serviceToken: (c) => (claims.push(c), 'service.jwt.token'),
    observe: (operation, status) => observed.push([operation, status]),
    now: () => Date.parse('2026-11-29T12:00:00Z'),
  });
  return { client, claims, observed };
}

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err))
    throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const listKeys = {
  method: 'GET' as const,
  operation: 'keys.list',
  path: '/v1/keys',
  requestId: 'r-1',
  bearerToken: 'tenant.jwt.token',
  schema: KeyListSchema,
};

describe('wallet HTTP client', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function start(handler: Handler) {
    const s = await standIn(handler);
    servers.push(s);
    return s;
  }

  it('sends the service token, the tenant JWT and the request id, and parses the answer', async () => {
    const wallet = await start((_req, res) =>
      res.setHeader('content-type', 'application/json').end('{"keys":[]}'),
    );
    const { client, observed } = clientFor(wallet.url);
    expect(await client.call(listKeys)).toEqual({ keys: [] });
    expect(observed).toEqual([['keys.list', '200']]);
    expect(wallet.seen[0]).toMatchObject({
      'x-service-token': 'service.jwt.token',
      authorization: 'Bearer tenant.jwt.token',
      'x-request-id': 'r-1',
    });
    client.close();
  });

  it('retries an idempotent call once when the connection is dropped', async () => {
    const wallet = await start((req, res, hit) => {
      if (hit === 1) req.socket.destroy();
      else res.setHeader('content-type', 'application/json').end('{"keys":[]}');
    });
    const { client } = clientFor(wallet.url);
    expect(await client.call(listKeys)).toEqual({ keys: [] });
    expect(wallet.hits()).toBe(2);
    client.close();
  });

  it('never repeats a POST: a dropped connection is a 503', async () => {
    const wallet = await start((req) => req.socket.destroy());
    const { client } = clientFor(wallet.url);
    const err = await failure(
      client.call({
        ...listKeys,
        method: 'POST',
        body: { type: 'Ed25519' },
        schema: undefined,
      }),
    );
    expect(err.code).toBe('wallet_unavailable');
    expect(wallet.hits()).toBe(1);
    client.close();
  });

  it.each([
    [
      'PUT with cas',
      {
        method: 'PUT' as const,
        path: '/v1/secrets/db',
        body: { value: 'v', cas: 1 },
      },
    ],
    [
      'PUT without cas',
      { method: 'PUT' as const, path: '/v1/secrets/db', body: { value: 'v' } },
    ],
    ['DELETE', { method: 'DELETE' as const, path: '/v1/secrets/db' }],
  ])(
    'never replays a %s that reached the wallet when the connection drops before the answer',
    async (_label, write) => {
      // The wallet read the whole request (and may have written a version) before the socket went:
      // a replay would answer a spurious 409 (cas), add a second version, or a spurious 404.
      const wallet = await start((req) => {
        req.resume();
        req.on('end', () => req.socket.destroy());
      });
      const { client } = clientFor(wallet.url);
      const err = await failure(
        client.call({
          ...listKeys,
          ...write,
          operation: 'secrets.write',
          schema: undefined,
        }),
      );
      expect(err.code).toBe('wallet_unavailable');
      expect(wallet.hits()).toBe(1);
      client.close();
    },
  );

  it('answers wallet_unavailable with Retry-After when nothing listens', async () => {
    const wallet = await start(() => undefined);
    await wallet.close();
    const { client, observed } = clientFor(wallet.url);
    const err = await failure(client.call(listKeys));
    expect(err).toMatchObject({
      code: 'wallet_unavailable',
      status: 503,
      retryAfterSeconds: 1,
    });
    expect(observed).toEqual([['keys.list', 'error']]);
    expect(JSON.stringify(err.cause)).not.toContain('tenant.jwt.token');
  });

  it('cuts off a wallet slower than the timeout with a 503, without retrying', async () => {
    const wallet = await start(() => undefined);
    const { client } = clientFor(wallet.url, 100);
    expect((await failure(client.call(listKeys))).code).toBe(
      'wallet_unavailable',
    );
    expect(wallet.hits()).toBe(1);
    client.close();
  });

  it("passes the wallet's problem code, detail and Retry-After through", async () => {
    const wallet = await start((_req, res) => {
      res.statusCode = 503;
      res.setHeader('retry-after', '9');
      res.setHeader('content-type', 'application/problem+json');
      res.end(
        JSON.stringify({
          type: 'urn:x',
          title: 'Vault unavailable',
          status: 503,
          code: 'vault_unavailable',
          requestId: 'r-1',
        }),
      );
    });
    const { client } = clientFor(wallet.url);
    expect(await failure(client.call(listKeys))).toMatchObject({
      code: 'vault_unavailable',
      retryAfterSeconds: 9,
    });
    client.close();
  });

  it.each([
    [401, 'unauthorized', undefined],
    [404, 'not_found', undefined],
    [429, 'rate_limited', '30'],
  ])(
    'keeps a wallet %i problem as %s (with its Retry-After)',
    async (status, code, retryAfter) => {
      const wallet = await start((_req, res) => {
        res.statusCode = status;
        if (retryAfter) res.setHeader('retry-after', retryAfter);
        res.setHeader('content-type', 'application/problem+json');
        res.end(
          JSON.stringify({
            type: 'urn:x',
            title: 't',
            status,
            code,
            detail: 'wallet says no',
            requestId: 'r-1',
          }),
        );
      });
      const { client } = clientFor(wallet.url);
      const err = await failure(client.call(listKeys));
      expect(err).toMatchObject({ code, status, detail: 'wallet says no' });
      expect(err.retryAfterSeconds).toBe(
        retryAfter === undefined ? undefined : Number(retryAfter),
      );
      client.close();
    },
  );

  it('treats a 5xx that is not a problem body (a proxy page) as the wallet being unavailable', async () => {
    const wallet = await start(
      (_req, res) => (
        (res.statusCode = 502),
        res.end('<html>bad gateway</html>')
      ),
    );
    const { client } = clientFor(wallet.url);
    expect((await failure(client.call(listKeys))).code).toBe(
      'wallet_unavailable',
    );
    client.close();
  });

  it('refuses an answer that breaks the contract instead of passing it on', async () => {
    const wallet = await start((_req, res) =>
      res
        .setHeader('content-type', 'application/json')
        .end('{"keys":[{"id":"x","d":"private"}]}'),
    );
    const { client } = clientFor(wallet.url);
    expect((await failure(client.call(listKeys))).code).toBe('internal');
    client.close();
  });

  it('asks for a scoped service token only when the call carries a scope', async () => {
    const wallet = await start(
      (_req, res) => ((res.statusCode = 204), res.end()),
    );
    const { client, claims } = clientFor(wallet.url);
    await client.call({
      method: 'DELETE',
      operation: 'tenants.delete',
      path: '/v1/tenants/x',
      requestId: 'r',
      serviceClaims: { scope: 'tenants:admin' },
      schema: undefined,
    });
    await client.call({ ...listKeys, schema: undefined });
    expect(claims).toEqual([{ scope: 'tenants:admin', requestId: 'r' }, {}]);
    expect(wallet.seen[0]?.authorization).toBeUndefined();
    client.close();
  });
});
