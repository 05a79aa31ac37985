import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createHarness, expectProblem } from '../../test/http-harness';
import { TENANT_AUDIENCE, TENANT_ISSUER } from '../../test/fakes/token-issuers';

describe('wallet authentication', () => {
  const h = createHarness();
  const serviceToken = () => h.service.signer.sign();
  const getKeys = (headers: Record<string, string>) => {
    let r = request(h.app).get('/v1/keys');
    for (const [name, value] of Object.entries(headers)) r = r.set(name, value);
    return r;
  };

  it('answers a request with both valid tokens', async () => {
    const res = await getKeys({
      'X-Service-Token': serviceToken(),
      Authorization: `Bearer ${h.tenants.sign()}`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ keys: [] });
  });

  it.each([
    ['no service token', () => ({})],
    ['a garbage service token', () => ({ 'X-Service-Token': 'not.a.jwt' })],
    [
      'a service token signed by an untrusted key',
      () => ({ 'X-Service-Token': h.service.untrusted.sign() }),
    ],
    [
      'a service token for another audience',
      () => ({ 'X-Service-Token': h.service.wrongAudience.sign() }),
    ],
    [
      'an expired service token',
      () => ({ 'X-Service-Token': h.service.expired.sign() }),
    ],
    [
      'a tenant JWT in place of the service token',
      () => ({ 'X-Service-Token': h.tenants.sign() }),
    ],
  ])('refuses %s with 401', async (_label, headers) => {
    const res = await getKeys({
      ...headers(),
      Authorization: `Bearer ${h.tenants.sign()}`,
    });
    expectProblem(res, 401, 'unauthorized');
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['no Authorization header', () => undefined],
    [
      'a non-Bearer scheme',
      () => `Basic ${Buffer.from('a:b').toString('base64')}`,
    ],
    [
      'an expired JWT',
      () => `Bearer ${h.tenants.sign({ iat: now() - 900, exp: now() - 600 })}`,
    ],
    [
      'a not-yet-valid JWT',
      () => `Bearer ${h.tenants.sign({ nbf: now() + 600 })}`,
    ],
    [
      'a JWT with a wrong issuer',
      () => `Bearer ${h.tenants.sign({ iss: 'https://evil.example' })}`,
    ],
    [
      'a JWT with a wrong audience',
      () => `Bearer ${h.tenants.sign({ aud: 'someone-else' })}`,
    ],
    [
      'a JWT without a tenant claim',
      () => `Bearer ${h.tenants.sign({ tenant_id: undefined })}`,
    ],
    [
      'a JWT with a non-string tenant claim',
      () => `Bearer ${h.tenants.sign({ tenant_id: 42 })}`,
    ],
    [
      'a JWT signed by another key',
      () => `Bearer ${h.tenants.sign({}, h.tenants.otherKey)}`,
    ],
    [
      'a tampered JWT (tenant changed)',
      () => `Bearer ${tamper(h.tenants.sign(), { tenant_id: 'other' })}`,
    ],
    [
      'an alg:none JWT',
      () =>
        `Bearer ${unsigned({ iss: TENANT_ISSUER, aud: TENANT_AUDIENCE, sub: 's', tenant_id: 'acme', exp: now() + 60 })}`,
    ],
    [
      'an HS256 JWT keyed with the RSA public key',
      () =>
        `Bearer ${jwt.sign({ iss: TENANT_ISSUER, aud: TENANT_AUDIENCE, sub: 's', tenant_id: 'acme' }, h.tenants.publicKey.export({ format: 'pem', type: 'spki' }) as string, { algorithm: 'HS256', keyid: 'tenant-key-1', expiresIn: 60 })}`,
    ],
  ])(
    'refuses %s with 401 and a clear problem body',
    async (_label, authorization) => {
      const value = authorization();
      const res = await getKeys({
        'X-Service-Token': serviceToken(),
        ...(value ? { Authorization: value } : {}),
      });
      expectProblem(res, 401, 'unauthorized');
      expect(res.body.detail).toMatch(/token/i);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="wallet"');
    },
  );

  it('checks the service token before reading a request body', async () => {
    const res = await request(h.app)
      .put('/v1/secrets/x')
      .set('Content-Type', 'application/json')
      .send('{not json');
    expectProblem(res, 401, 'unauthorized');
  });

  it('requires a service token on unknown /v1 paths too', async () => {
    expectProblem(
      await request(h.app).get('/v1/tenants-or-whatever'),
      401,
      'unauthorized',
    );
    expectProblem(
      await request(h.app)
        .get('/v1/nope')
        .set('X-Service-Token', serviceToken()),
      404,
      'not_found',
    );
  });

  it('never writes a token to the log', async () => {
    const tenantJwt = h.tenants.sign();
    const token = serviceToken();
    await getKeys({
      'X-Service-Token': token,
      Authorization: `Bearer ${tenantJwt}`,
    });
    await getKeys({
      'X-Service-Token': 'garbage-token-value',
      Authorization: `Bearer ${tenantJwt}`,
    });
    const log = JSON.stringify(h.logLines);
    expect(log).not.toContain(tenantJwt);
    expect(log).not.toContain(token);
    expect(log).not.toContain('garbage-token-value');
  });
});

function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(
    Buffer.from(payload, 'base64url').toString(),
  ) as Record<string, unknown>;
  return [
    header,
    Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString(
      'base64url',
    ),
    signature,
  ].join('.');
}

function unsigned(claims: Record<string, unknown>): string {
  const enc = (o: object) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT', kid: 'tenant-key-1' })}.${enc(claims)}.`;
}
