import { createHarness, expectProblem } from '../../test/http-harness';

describe('wallet /v1/secrets', () => {
  const h = createHarness();

  it('writes versions, reads the latest and a given version, lists and deletes', async () => {
    const t = h.as('crud');
    expect(
      (await t.put('/v1/secrets/db/password').send({ value: 'one' })).body,
    ).toEqual({ name: 'db/password', version: 1 });
    expect(
      (await t.put('/v1/secrets/db/password').send({ value: 'two' })).body,
    ).toEqual({ name: 'db/password', version: 2 });
    await t.put('/v1/secrets/api-key').send({ value: 'k' });

    const latest = await t.get('/v1/secrets/db/password');
    expect(latest.status).toBe(200);
    expect(latest.headers['cache-control']).toBe('no-store');
    expect(latest.body).toEqual({
      name: 'db/password',
      value: 'two',
      version: 2,
      createdAt: expect.any(String),
    });
    expect(
      (await t.get('/v1/secrets/db/password?version=1')).body,
    ).toMatchObject({ value: 'one', version: 1 });
    expect((await t.get('/v1/secrets')).body).toEqual({
      names: ['api-key', 'db/password'],
    });

    expect((await t.delete('/v1/secrets/db/password')).status).toBe(204);
    expectProblem(await t.get('/v1/secrets/db/password'), 404, 'not_found');
    expectProblem(
      await t.get('/v1/secrets/db/password?version=1'),
      404,
      'not_found',
    );
    expect((await t.get('/v1/secrets')).body).toEqual({ names: ['api-key'] });
  });

  it('treats a percent-encoded slash like a slash', async () => {
    const t = h.as('encoded');
    await t.put('/v1/secrets/a%2Fb').send({ value: 'v' });
    expect((await t.get('/v1/secrets/a/b')).body).toMatchObject({
      name: 'a/b',
      value: 'v',
    });
  });

  it('answers 409 when cas does not match and keeps the stored value', async () => {
    const t = h.as('cas');
    expect(
      (await t.put('/v1/secrets/token').send({ value: 'v1', cas: 0 })).status,
    ).toBe(200);
    expectProblem(
      await t.put('/v1/secrets/token').send({ value: 'again', cas: 0 }),
      409,
      'conflict',
    );
    expect(
      (await t.put('/v1/secrets/token').send({ value: 'v2', cas: 1 })).body,
    ).toEqual({ name: 'token', version: 2 });
    expectProblem(
      await t.put('/v1/secrets/token').send({ value: 'stale', cas: 1 }),
      409,
      'conflict',
    );
    expect((await t.get('/v1/secrets/token')).body.value).toBe('v2');
  });

  it("answers 404 for another tenant's secret exactly as for a missing one", async () => {
    await h.as('alice').put('/v1/secrets/shared').send({ value: 'alice-only' });
    const theirs = await h.as('bob').get('/v1/secrets/shared');
    const missing = await h.as('bob').get('/v1/secrets/never-written');
    expectProblem(theirs, 404, 'not_found');
    expect(theirs.body.detail).toBe(missing.body.detail);
    expect(JSON.stringify(theirs.body)).not.toContain('alice');
    expect((await h.as('bob').get('/v1/secrets')).body).toEqual({ names: [] });
  });

  it.each([
    ['a dot-dot segment', '/v1/secrets/a/../b'],
    ['an encoded dot-dot', '/v1/secrets/a/%2e%2e/b'],
    ['an encoded NUL', '/v1/secrets/a%00b'],
    ['a space', '/v1/secrets/a%20b'],
    ['an over-long name', `/v1/secrets/${'x'.repeat(300)}`],
    ['a unicode look-alike', '/v1/secrets/%D0%B0dmin'],
  ])('refuses %s in the name with 400', async (_label, path) => {
    expectProblem(
      await h.as().put(path).send({ value: 'v' }),
      400,
      'validation_failed',
    );
  });

  it.each([
    ['a missing value', {}],
    ['a non-string value', { value: 42 }],
    ['a negative cas', { value: 'v', cas: -1 }],
    ['a fractional cas', { value: 'v', cas: 1.5 }],
    ['an unknown field', { value: 'v', tenant: 'other' }],
  ])('refuses %s with 400', async (_label, body) => {
    expectProblem(
      await h.as().put('/v1/secrets/x').send(body),
      400,
      'validation_failed',
    );
  });

  it.each(['0', 'abc', '-1'])(
    'refuses ?version=%s with 400',
    async (version) => {
      expectProblem(
        await h.as().get(`/v1/secrets/x?version=${version}`),
        400,
        'validation_failed',
      );
    },
  );

  it('logs secret names only as hashes and never logs values', async () => {
    await h
      .as('quiet')
      .put('/v1/secrets/customers/acme-corp')
      .send({ value: 'very-secret-value' });
    await h.as('quiet').get('/v1/secrets/customers/acme-corp');
    const log = JSON.stringify(h.logLines);
    expect(log).not.toContain('very-secret-value');
    expect(log).not.toContain('acme-corp');
    expect(
      h.logLines.filter((l) => l['tenantId'] === 'quiet' && l['audit']),
    ).toEqual([
      expect.objectContaining({
        operation: 'putSecret',
        secretNameHash: expect.stringMatching(/^[0-9a-f]{16}$/),
        result: 'ok',
      }),
      expect.objectContaining({ operation: 'getSecret', result: 'ok' }),
    ]);
  });
});
