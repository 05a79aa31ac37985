import { createPublicKey, verify } from 'node:crypto';
import {
  KEY_TYPES,
  KeySchema,
  ProblemSchema,
  type Key,
} from '@secret-flows/contracts';
import request from 'supertest';
import { createTestApp } from '../support/test-app';

function verifies(key: Key, payload: Buffer, signature: string): boolean {
  const publicKey = createPublicKey({ key: key.publicKeyJwk, format: 'jwk' });
  const sig = Buffer.from(signature, 'base64url');
  if (key.type === 'Ed25519') return verify(null, payload, publicKey, sig);
  return verify(
    'sha256',
    payload,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    sig,
  );
}

describe('agent /keys', () => {
  it.each(KEY_TYPES)(
    'creates a %s key and signs a payload that verifies with its public JWK',
    async (type) => {
      const { app } = createTestApp();
      const created = await request(app)
        .post('/keys')
        .send({ type })
        .expect(201);
      const key = KeySchema.parse(created.body);
      expect(key.type).toBe(type);
      expect(JSON.stringify(created.body)).not.toContain('"d"');

      const payload = Buffer.from('hello identus');
      const signed = await request(app)
        .post(`/keys/${key.id}/sign`)
        .send({ payload: payload.toString('base64url') })
        .expect(200);
      expect(signed.body.alg).toBe(
        { Ed25519: 'EdDSA', secp256k1: 'ES256K', 'P-256': 'ES256' }[type],
      );
      expect(verifies(key, payload, signed.body.signature)).toBe(true);
      expect(
        verifies(key, Buffer.from('another payload'), signed.body.signature),
      ).toBe(false);
    },
  );

  it('lists, reads and deletes keys, and a deleted key is gone', async () => {
    const { app } = createTestApp();
    const a = (
      await request(app).post('/keys').send({ type: 'Ed25519' }).expect(201)
    ).body as Key;
    const b = (
      await request(app).post('/keys').send({ type: 'P-256' }).expect(201)
    ).body as Key;
    const list = await request(app).get('/keys').expect(200);
    expect(list.body.keys.map((k: Key) => k.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect((await request(app).get(`/keys/${a.id}`).expect(200)).body).toEqual(
      a,
    );

    await request(app).delete(`/keys/${a.id}`).expect(204);
    const gone = await request(app).get(`/keys/${a.id}`).expect(404);
    expect(gone.body.code).toBe('not_found');
    await request(app).delete(`/keys/${a.id}`).expect(404);
    expect((await request(app).get('/keys').expect(200)).body.keys).toEqual([
      b,
    ]);
  });

  it.each([
    ['an unknown key type', { type: 'RSA' }],
    ['a missing type', {}],
    ['an extra field', { type: 'Ed25519', privateKey: 'x' }],
  ])(
    'rejects %s with a 400 validation problem naming the field',
    async (_what, body) => {
      const { app } = createTestApp();
      const res = await request(app).post('/keys').send(body).expect(400);
      expect(res.headers['content-type']).toMatch(
        /^application\/problem\+json/,
      );
      const problem = ProblemSchema.parse(res.body);
      expect(problem.code).toBe('validation_failed');
      expect(problem.errors?.length).toBeGreaterThan(0);
    },
  );

  it.each([
    ['padding', 'aGVsbG8='],
    ['standard base64 characters', 'a+b/'],
    ['an empty payload', ''],
  ])('refuses to sign a payload with %s', async (_what, payload) => {
    const { app } = createTestApp();
    const key = (
      await request(app).post('/keys').send({ type: 'Ed25519' }).expect(201)
    ).body as Key;
    const res = await request(app)
      .post(`/keys/${key.id}/sign`)
      .send({ payload })
      .expect(400);
    expect(res.body.code).toBe('validation_failed');
  });

  it.each(['not-a-uuid', '..%2F..%2Fseed', '%2e%2e'])(
    'answers 404 for the impossible key id %s',
    async (id) => {
      const { app } = createTestApp();
      const res = await request(app).get(`/keys/${id}`).expect(404);
      expect(res.body.code).toBe('not_found');
    },
  );

  it('answers 404 when signing with a key that does not exist', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .post('/keys/3b241101-e2bb-4255-8caf-4136c566a962/sign')
      .send({ payload: 'aGVsbG8' })
      .expect(404);
    expect(ProblemSchema.parse(res.body).code).toBe('not_found');
  });
});
