import { generateKeyPairSync } from 'node:crypto';
import { createJwksVerifier } from '@secret-flows/auth';
import { ProblemSchema } from '@secret-flows/contracts';
import request from 'supertest';
import { createJwtTenantResolver } from '../../src/tenant/tenant-resolver';
import {
  AUDIENCE,
  ISSUER,
  startJwksServer,
  type JwksServer,
} from '../support/jwks-server';
import { createTestApp } from '../support/test-app';

describe('agent tenant identity from the JWT (phases 3-4)', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(async () => {
    await jwks.close();
  });

  function phase3App(jwksUrl = jwks.jwksUrl) {
    const verifier = createJwksVerifier({
      jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      tenantClaim: 'tenant_id',
      fetchTimeoutMs: 1000,
    });
    return createTestApp({
      resolver: createJwtTenantResolver(verifier),
      tenancy: 'multi',
    });
  }

  it('acts for the tenant named in a valid JWT and forwards the token to the backend', async () => {
    const { app, fake } = phase3App();
    const token = jwks.token({ tenant_id: 'acme' });
    await request(app)
      .put('/secrets/db')
      .set('authorization', `Bearer ${token}`)
      .send({ value: 'x' })
      .expect(200);
    expect(fake.state.calls.at(-1)).toMatchObject({
      tenantId: 'acme',
      bearerToken: token,
    });
  });

  it("keeps tenants apart: one tenant's secret is a 404 for another", async () => {
    const { app } = phase3App();
    const acme = `Bearer ${jwks.token({ tenant_id: 'acme' })}`;
    const globex = `Bearer ${jwks.token({ tenant_id: 'globex' })}`;
    await request(app)
      .put('/secrets/shared-name')
      .set('authorization', acme)
      .send({ value: 'acme-only' })
      .expect(200);
    await request(app)
      .get('/secrets/shared-name')
      .set('authorization', globex)
      .expect(404);
    expect(
      (
        await request(app)
          .get('/secrets')
          .set('authorization', globex)
          .expect(200)
      ).body,
    ).toEqual({ names: [] });
  });

  it.each([
    ['no Authorization header', () => undefined],
    ['a non-Bearer scheme', () => 'Basic YWRtaW46YWRtaW4='],
    ['a token that is not a JWT', () => 'Bearer not.a.jwt'],
    [
      'an expired token',
      () => `Bearer ${jwks.token({ tenant_id: 'acme' }, { ttlSeconds: -120 })}`,
    ],
    [
      'another audience',
      () =>
        `Bearer ${jwks.token({ tenant_id: 'acme' }, { audience: 'someone-else' })}`,
    ],
    ['no tenant claim', () => `Bearer ${jwks.token({})}`],
    [
      'a signature by another key under the same kid',
      () =>
        `Bearer ${jwks.token({ tenant_id: 'acme' }, { key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey })}`,
    ],
  ])(
    'answers 401 for %s before the backend is called',
    async (_what, header) => {
      const { app, fake } = phase3App();
      const value = header();
      const req = request(app).post('/keys');
      if (value !== undefined) req.set('authorization', value);
      const res = await req.send({ type: 'Ed25519' }).expect(401);
      expect(ProblemSchema.parse(res.body).code).toBe('unauthorized');
      expect(fake.state.calls).toHaveLength(0);
    },
  );

  it('answers 401 for a token whose tenant claim was edited (signature broken)', async () => {
    const { app } = phase3App();
    const [header, payload, signature] = jwks
      .token({ tenant_id: 'acme' })
      .split('.');
    const claims = JSON.parse(
      Buffer.from(payload as string, 'base64url').toString(),
    );
    const forged = Buffer.from(
      JSON.stringify({ ...claims, tenant_id: 'globex' }),
    ).toString('base64url');
    await request(app)
      .get('/keys')
      .set('authorization', `Bearer ${header}.${forged}.${signature}`)
      .expect(401);
  });

  it('answers 503 with Retry-After when the issuer keys cannot be fetched', async () => {
    const { app, fake } = phase3App('http://127.0.0.1:9/unreachable/keys');
    const res = await request(app)
      .get('/keys')
      .set('authorization', `Bearer ${jwks.token({ tenant_id: 'acme' })}`)
      .expect(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(ProblemSchema.parse(res.body).code).toBe('service_unavailable');
    expect(fake.state.calls).toHaveLength(0);
  });
});
