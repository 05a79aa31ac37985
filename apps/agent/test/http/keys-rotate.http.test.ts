import { KeySchema, ProblemSchema, type Key } from '@secret-flows/contracts';
import request from 'supertest';
import { createTestApp } from '../support/test-app';

describe('agent /keys custody and rotation', () => {
  it('passes custody through, rotates a vault-transit key (versions listed) and answers 409 for a wallet key', async () => {
    const { app } = createTestApp();
    const key = KeySchema.parse(
      (
        await request(app)
          .post('/keys')
          .send({ type: 'P-256', custody: 'vault-transit' })
          .expect(201)
      ).body,
    );
    expect(key.custody).toBe('vault-transit');
    const rotated = KeySchema.parse(
      (await request(app).post(`/keys/${key.id}/rotate`).expect(200)).body,
    );
    expect(rotated.versions?.map((v) => v.version)).toEqual([1, 2]);
    expect(rotated.versions?.[0].publicKeyJwk).toEqual(key.publicKeyJwk);

    const walletKey = (
      await request(app).post('/keys').send({ type: 'secp256k1' }).expect(201)
    ).body as Key;
    const refused = await request(app)
      .post(`/keys/${walletKey.id}/rotate`)
      .expect(409);
    expect(ProblemSchema.parse(refused.body).code).toBe('conflict');
    expect((await request(app).post('/keys/not-a-uuid/rotate')).status).toBe(
      404,
    );
  });

  it('refuses an unknown custody with 400', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .post('/keys')
      .send({ type: 'Ed25519', custody: 'hsm' })
      .expect(400);
    expect(ProblemSchema.parse(res.body).code).toBe('validation_failed');
  });
});
