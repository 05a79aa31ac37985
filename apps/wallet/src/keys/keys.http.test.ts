import { createPublicKey, verify } from 'node:crypto';
import { createHarness, expectProblem } from '../../test/http-harness';

describe('wallet /v1/keys', () => {
  const h = createHarness();

  it.each([
    ['Ed25519', 'EdDSA'],
    ['secp256k1', 'ES256K'],
    ['P-256', 'ES256'],
  ])(
    'creates a %s key and signs a payload that verifies with the returned JWK (%s)',
    async (type, alg) => {
      const created = await h.as().post('/v1/keys').send({ type });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type,
        did: expect.stringMatching(/^did:key:z/),
        publicKeyJwk: expect.objectContaining({ x: expect.any(String) }),
        createdAt: expect.any(String),
        // The harness runs without Transit (no VAULT_TRANSIT_MOUNT): every key is a wallet key.
        custody: 'wallet',
      });
      expect(created.body.publicKeyJwk).not.toHaveProperty('d');

      const payload = Buffer.from(`header.payload for ${type}`);
      const signed = await h
        .as()
        .post(`/v1/keys/${created.body.id}/sign`)
        .send({ payload: payload.toString('base64url') });
      expect(signed.status).toBe(200);
      expect(signed.body.alg).toBe(alg);

      const key = createPublicKey({
        key: created.body.publicKeyJwk,
        format: 'jwk',
      });
      const signature = Buffer.from(signed.body.signature, 'base64url');
      const ok =
        type === 'Ed25519'
          ? verify(null, payload, key, signature)
          : verify(
              'sha256',
              payload,
              { key, dsaEncoding: 'ieee-p1363' },
              signature,
            );
      expect(ok).toBe(true);
    },
  );

  it('lists, reads and deletes keys', async () => {
    const tenant = h.as('lister');
    const a = (await tenant.post('/v1/keys').send({ type: 'Ed25519' })).body;
    const b = (await tenant.post('/v1/keys').send({ type: 'P-256' })).body;

    const list = await tenant.get('/v1/keys');
    expect(list.status).toBe(200);
    expect(list.body.keys.map((k: { id: string }) => k.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect((await tenant.get(`/v1/keys/${a.id}`)).body).toEqual(a);

    const deleted = await tenant.delete(`/v1/keys/${a.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectProblem(await tenant.get(`/v1/keys/${a.id}`), 404, 'not_found');
    expectProblem(await tenant.delete(`/v1/keys/${a.id}`), 404, 'not_found');
  });

  it("answers 404 for another tenant's key exactly as for a key that never existed", async () => {
    const key = (await h.as('alice').post('/v1/keys').send({ type: 'Ed25519' }))
      .body;
    const theirs = await h.as('bob').get(`/v1/keys/${key.id}`);
    const nobodys = await h
      .as('bob')
      .get('/v1/keys/0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10');
    expectProblem(theirs, 404, 'not_found');
    expect({ ...theirs.body, requestId: '', instance: '' }).toEqual({
      ...nobodys.body,
      requestId: '',
      instance: '',
    });
    expectProblem(
      await h
        .as('bob')
        .post(`/v1/keys/${key.id}/sign`)
        .send({ payload: 'AAAA' }),
      404,
      'not_found',
    );
    expectProblem(
      await h.as('bob').delete(`/v1/keys/${key.id}`),
      404,
      'not_found',
    );
    expect((await h.as('alice').get(`/v1/keys/${key.id}`)).status).toBe(200);
  });

  it.each([
    ['an unknown key type', { type: 'RSA' }],
    ['a missing type', {}],
    ['an extra field', { type: 'Ed25519', privateKey: 'x' }],
  ])('refuses %s with 400 validation_failed', async (_label, body) => {
    const res = await h.as().post('/v1/keys').send(body);
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it.each([
    ['a non-base64url payload', { payload: 'not base64!' }],
    ['an empty payload', { payload: '' }],
    [
      'a payload over 64 KiB',
      { payload: Buffer.alloc(64 * 1024 + 3).toString('base64url') },
    ],
  ])('refuses to sign %s', async (_label, body) => {
    const key = (await h.as().post('/v1/keys').send({ type: 'Ed25519' })).body;
    expectProblem(
      await h.as().post(`/v1/keys/${key.id}/sign`).send(body),
      400,
      'validation_failed',
    );
  });

  it.each(['not-a-uuid', '..', '%2e%2e'])(
    'refuses the key id %j with 400',
    async (id) => {
      expectProblem(
        await h.as().get(`/v1/keys/${id}`),
        400,
        'validation_failed',
      );
    },
  );

  it('writes one audit line per operation, with tenant, key id and result but no key material', async () => {
    const key = (
      await h.as('audited').post('/v1/keys').send({ type: 'Ed25519' })
    ).body;
    await h
      .as('audited')
      .post(`/v1/keys/${key.id}/sign`)
      .send({ payload: 'aGVsbG8' });
    const audits = h.logLines.filter(
      (l) => l['audit'] === true && l['tenantId'] === 'audited',
    );
    expect(audits).toEqual([
      expect.objectContaining({
        operation: 'createKey',
        keyId: key.id,
        result: 'ok',
        requestId: expect.any(String),
      }),
      expect.objectContaining({
        operation: 'signWithKey',
        keyId: key.id,
        result: 'ok',
      }),
    ]);
    const stored = h.fake.raw(`tenants/audited/keys/${key.id}`) as {
      privateJwk: { d: string };
    };
    expect(JSON.stringify(h.logLines)).not.toContain(stored.privateJwk.d);
  });

  it('answers 409 to rotating a wallet-custody key and 400 to vault-transit custody without Transit', async () => {
    const created = await h.as().post('/v1/keys').send({ type: 'Ed25519' });
    expectProblem(
      await h.as().post(`/v1/keys/${created.body.id}/rotate`).send({}),
      409,
      'conflict',
    );
    expectProblem(
      await h
        .as()
        .post('/v1/keys')
        .send({ type: 'Ed25519', custody: 'vault-transit' }),
      400,
      'validation_failed',
    );
  });
});
