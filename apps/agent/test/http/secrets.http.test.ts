import { ProblemSchema, SecretSchema } from '@secret-flows/contracts';
import request from 'supertest';
import { createTestApp } from '../support/test-app';

describe('agent /secrets', () => {
  it('writes versions of a secret whose name has slashes and reads the latest or any version', async () => {
    const { app } = createTestApp();
    expect(
      (
        await request(app)
          .put('/secrets/db/prod/password')
          .send({ value: 'one' })
          .expect(200)
      ).body,
    ).toEqual({
      name: 'db/prod/password',
      version: 1,
    });
    await request(app)
      .put('/secrets/db/prod/password')
      .send({ value: 'two' })
      .expect(200);

    const latest = SecretSchema.parse(
      (await request(app).get('/secrets/db/prod/password').expect(200)).body,
    );
    expect(latest).toMatchObject({
      name: 'db/prod/password',
      value: 'two',
      version: 2,
    });
    const first = await request(app)
      .get('/secrets/db/prod/password?version=1')
      .expect(200);
    expect(first.body).toMatchObject({ value: 'one', version: 1 });
    expect(
      (
        await request(app)
          .get('/secrets/db/prod/password?version=3')
          .expect(404)
      ).body.code,
    ).toBe('not_found');
  });

  it('lists names and deletes a secret with all its versions', async () => {
    const { app } = createTestApp();
    await request(app).put('/secrets/b').send({ value: 'x' }).expect(200);
    await request(app).put('/secrets/a/c').send({ value: 'y' }).expect(200);
    expect((await request(app).get('/secrets').expect(200)).body).toEqual({
      names: ['a/c', 'b'],
    });

    await request(app).delete('/secrets/a/c').expect(204);
    await request(app).get('/secrets/a/c').expect(404);
    await request(app).delete('/secrets/a/c').expect(404);
    expect((await request(app).get('/secrets').expect(200)).body).toEqual({
      names: ['b'],
    });
  });

  it('creates with cas 0 only once and updates with cas N only from version N (409 otherwise)', async () => {
    const { app } = createTestApp();
    await request(app)
      .put('/secrets/seedling')
      .send({ value: 'v1', cas: 0 })
      .expect(200);
    const again = await request(app)
      .put('/secrets/seedling')
      .send({ value: 'v1b', cas: 0 })
      .expect(409);
    expect(ProblemSchema.parse(again.body).code).toBe('conflict');
    await request(app)
      .put('/secrets/seedling')
      .send({ value: 'v2', cas: 1 })
      .expect(200);
    await request(app)
      .put('/secrets/seedling')
      .send({ value: 'stale', cas: 1 })
      .expect(409);
    expect(
      (await request(app).get('/secrets/seedling').expect(200)).body.value,
    ).toBe('v2');
  });

  it.each([
    ['a traversal segment', '/secrets/a/%2e%2e/b'],
    ['an empty segment', '/secrets/a//b'],
    ['a character outside the name alphabet', '/secrets/a%20b'],
    ['an overlong name', `/secrets/${'n'.repeat(300)}`],
  ])('refuses to write a name with %s (400)', async (_what, path) => {
    const { app } = createTestApp();
    const res = await request(app).put(path).send({ value: 'x' }).expect(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each([
    '/secrets/%2e%2e/other-tenant/secrets/x',
    '/secrets/a%2F%2E%2E%2Fb',
    '/secrets/%E2%80%A4%E2%80%A4',
  ])('answers 404 when reading the impossible name %s', async (path) => {
    const { app } = createTestApp();
    expect((await request(app).get(path).expect(404)).body.code).toBe(
      'not_found',
    );
  });

  it.each([
    ['a value that is not a string', { value: 42 }],
    ['a negative cas', { value: 'x', cas: -1 }],
    ['an unknown field', { value: 'x', ttl: 5 }],
  ])('rejects a body with %s (400)', async (_what, body) => {
    const { app } = createTestApp();
    expect(
      (await request(app).put('/secrets/x').send(body).expect(400)).body.code,
    ).toBe('validation_failed');
  });

  it.each(['0', 'abc', '1.5'])(
    'rejects ?version=%s with 400',
    async (version) => {
      const { app } = createTestApp();
      await request(app).put('/secrets/x').send({ value: 'x' }).expect(200);
      expect(
        (await request(app).get(`/secrets/x?version=${version}`).expect(400))
          .body.code,
      ).toBe('validation_failed');
    },
  );

  it('answers 413 for a body over the limit, before the backend sees it', async () => {
    const { app, fake } = createTestApp({ bodyLimitBytes: 1024 });
    const res = await request(app)
      .put('/secrets/big')
      .send({ value: 'x'.repeat(2048) })
      .expect(413);
    expect(res.body.code).toBe('payload_too_large');
    expect(fake.state.calls).toHaveLength(0);
  });

  it('answers 400 for malformed JSON without echoing the body', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .put('/secrets/x')
      .set('content-type', 'application/json')
      .send('{"value": "hunter2-secret"')
      .expect(400);
    expect(res.body.code).toBe('bad_request');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .put('/secrets/x')
      .set('content-type', 'text/plain')
      .send('value=x')
      .expect(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('answers 503 with Retry-After when the backend is down', async () => {
    const { app, fake } = createTestApp();
    fake.state.isDown = true;
    const res = await request(app).get('/secrets/x').expect(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(ProblemSchema.parse(res.body).code).toBe('wallet_unavailable');
    expect(res.body.detail).not.toContain('wallet down');
  });
});
