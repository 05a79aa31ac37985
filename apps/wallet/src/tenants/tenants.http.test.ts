import request from 'supertest';
import { createHarness, expectProblem } from '../../test/http-harness';

describe('wallet /v1/tenants (phase 4 tenant administration)', () => {
  const h = createHarness();
  const admin = () => h.service.signer.sign({ scope: 'tenants:admin' });
  const post = (body: unknown, token = admin()) =>
    request(h.app)
      .post('/v1/tenants')
      .set('X-Service-Token', token)
      .send(body as object);

  beforeEach(() => h.fakeTenants.reset());

  it('creates a tenant with a login shown once and reads it back without one', async () => {
    const created = await post({ name: 'acme' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({
      name: 'acme',
      login: { username: created.body.id, password: expect.any(String) },
    });
    const read = await request(h.app)
      .get(`/v1/tenants/${created.body.id}`)
      .set('X-Service-Token', admin());
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      id: created.body.id,
      name: 'acme',
      createdAt: created.body.createdAt,
      updatedAt: created.body.updatedAt,
    });
  });

  it('refuses a service token without the tenants:admin scope with 403, before reading the body', async () => {
    expectProblem(
      await post({ name: 'acme' }, h.service.signer.sign()),
      403,
      'forbidden',
    );
    expect(
      (await request(h.app).get('/v1/tenants').set('X-Service-Token', admin()))
        .body.contents,
    ).toEqual([]);
  });

  it('refuses a tenant JWT without a service token with 401', async () => {
    const res = await request(h.app)
      .get('/v1/tenants')
      .set('Authorization', `Bearer ${h.tenants.sign({ tenant_id: 'acme' })}`);
    expectProblem(res, 401, 'unauthorized');
  });

  it.each([
    [{ name: '' }],
    [{ name: 'x', seed: 'abc' }],
    [{ name: 'x', id: 'not-a-uuid' }],
    [{ name: 'x', extra: true }],
  ])('answers 400 to the invalid body %j', async (body) => {
    expectProblem(await post(body), 400, 'validation_failed');
  });

  it('answers 409 to an id that exists and 404 to an id that is not a UUID or not there', async () => {
    const { body } = await post({ name: 'acme' });
    expectProblem(await post({ id: body.id, name: 'acme' }), 409, 'conflict');
    expectProblem(
      await request(h.app)
        .get('/v1/tenants/..%2Fsecrets')
        .set('X-Service-Token', admin()),
      404,
      'not_found',
    );
    expectProblem(
      await request(h.app)
        .get('/v1/tenants/3d6f0a2b-8e4c-4b1d-9f7a-1c5e2d8b4a60')
        .set('X-Service-Token', admin()),
      404,
      'not_found',
    );
  });

  it('pages tenants in the Identus shape with next and previous links', async () => {
    for (const name of ['a', 'b', 'c']) await post({ name });
    const first = await request(h.app)
      .get('/v1/tenants?offset=0&limit=2')
      .set('X-Service-Token', admin());
    expect(first.body).toMatchObject({
      kind: 'WalletPage',
      self: '/v1/tenants?offset=0&limit=2',
      pageOf: '/v1/tenants',
      next: '/v1/tenants?offset=2&limit=2',
    });
    expect(first.body.contents).toHaveLength(2);
    const second = await request(h.app)
      .get('/v1/tenants?offset=2&limit=2')
      .set('X-Service-Token', admin());
    expect(second.body).toMatchObject({
      previous: '/v1/tenants?offset=0&limit=2',
    });
    expect(second.body.contents).toHaveLength(1);
    expect(second.body.next).toBeUndefined();
    expectProblem(
      await request(h.app)
        .get('/v1/tenants?limit=1000')
        .set('X-Service-Token', admin()),
      400,
      'validation_failed',
    );
  });

  it('deletes a tenant (204) and then knows it no more (404)', async () => {
    const { body } = await post({ name: 'acme' });
    expect(
      (
        await request(h.app)
          .delete(`/v1/tenants/${body.id}`)
          .set('X-Service-Token', admin())
      ).status,
    ).toBe(204);
    expectProblem(
      await request(h.app)
        .delete(`/v1/tenants/${body.id}`)
        .set('X-Service-Token', admin()),
      404,
      'not_found',
    );
  });

  it('writes one audit line per administration call without the password', async () => {
    const { body } = await post({ name: 'audited' });
    const line = h.logLines.find(
      (l) =>
        l['audit'] === true &&
        l['operation'] === 'createWallet' &&
        l['tenantId'] === body.id,
    );
    expect(line).toMatchObject({ result: 'ok' });
    expect(JSON.stringify(h.logLines)).not.toContain(body.login.password);
  });
});
