import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, createJwksVerifier } from './index';
import { generateKey, publicJwk, signJwt } from '../test/fakes/fake-issuer';

const ISSUER = 'http://issuer.test';
const key = generateKey('ES256', 'http-1');

describe('createJwksVerifier with its default fetch against a JWKS served over HTTP', () => {
  let server: http.Server;
  let baseUrl: string;
  let status = 200;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({ keys: [publicJwk(key)] })
          : '{"errors":["sealed"]}',
      );
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const token = () =>
    signJwt(
      {
        iss: ISSUER,
        aud: 'agent',
        sub: 's',
        tenant_id: 't1',
        exp: Math.floor(Date.now() / 1000) + 60,
      },
      key,
    );

  it('fetches the key set over HTTP and verifies a token with it', async () => {
    status = 200;
    const verifier = createJwksVerifier({
      jwksUrl: `${baseUrl}/keys`,
      issuer: ISSUER,
      audience: 'agent',
    });
    await expect(verifier.verify(token())).resolves.toMatchObject({
      tenantId: 't1',
    });
    expect(verifier.stats().jwksFetches).toBe(1);
  });

  it('turns an HTTP error from the JWKS endpoint into jwks_unavailable', async () => {
    status = 503;
    const before = requests;
    const verifier = createJwksVerifier({
      jwksUrl: `${baseUrl}/keys`,
      issuer: ISSUER,
      audience: 'agent',
    });
    const err = await verifier.verify(token()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).reason).toBe('jwks_unavailable');
    expect(requests).toBe(before + 1);
  });

  it('turns a refused connection into jwks_unavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) =>
      closed.listen(0, '127.0.0.1', resolve),
    );
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verifier = createJwksVerifier({
      jwksUrl: `http://127.0.0.1:${port}/keys`,
      issuer: ISSUER,
      audience: 'agent',
    });
    await expect(verifier.verify(token())).rejects.toMatchObject({
      reason: 'jwks_unavailable',
      status: 503,
    });
  });
});
