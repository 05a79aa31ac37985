import { createPublicKey, verify } from 'node:crypto';
import { isAppError } from '@secret-flows/contracts';
import { createFakeKv } from '../testing';
import { createWalletCore } from '../wallet-core';
import type { PublicKeyInfo } from './tenant-keys';

function setup() {
  const fake = createFakeKv();
  const wallet = createWalletCore({ kvMount: 'secret' }).forTenant(
    'acme',
    fake.kv,
  );
  return { fake, keys: wallet.keys };
}

function verifySignature(
  key: PublicKeyInfo,
  payload: Buffer,
  signature: string,
): boolean {
  const publicKey = createPublicKey({
    key: { ...key.publicKeyJwk },
    format: 'jwk',
  });
  const bytes = Buffer.from(signature, 'base64url');
  if (key.type === 'Ed25519') return verify(null, payload, publicKey, bytes);
  return verify(
    'sha256',
    payload,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    bytes,
  );
}

async function rejection(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err))
    throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('tenant keys', () => {
  it.each(['Ed25519', 'secp256k1', 'P-256'] as const)(
    'creates a %s key, signs with it, and the signature verifies against the returned JWK',
    async (type) => {
      const { keys } = setup();
      const key = await keys.create(type);
      const payload = Buffer.from(`sign me with ${type}`);

      const { alg, signature } = await keys.sign(key.id, payload);

      expect(alg).toBe(
        { Ed25519: 'EdDSA', secp256k1: 'ES256K', 'P-256': 'ES256' }[type],
      );
      expect(verifySignature(key, payload, signature)).toBe(true);
      expect(verifySignature(key, Buffer.from('tampered'), signature)).toBe(
        false,
      );
    },
  );

  it('stores the private JWK under the tenant path and never returns it', async () => {
    const { keys, fake } = setup();
    const key = await keys.create('P-256');

    expect(fake.paths()).toEqual([`tenants/acme/keys/${key.id}`]);
    expect(fake.raw(`tenants/acme/keys/${key.id}`)).toMatchObject({
      privateJwk: { d: expect.any(String) },
    });
    for (const seen of [key, await keys.get(key.id), ...(await keys.list())]) {
      expect(JSON.stringify(seen)).not.toContain('"d"');
      expect(seen.publicKeyJwk).toEqual(key.publicKeyJwk);
    }
  });

  it('returns a did:key derived from the public key', async () => {
    const { keys } = setup();
    const key = await keys.create('Ed25519');
    expect(key.did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/);
    expect((await keys.get(key.id)).did).toBe(key.did);
  });

  it('lists every key of the tenant in creation order', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const fake = createFakeKv({ now: () => new Date((t += 1000)) });
    const keys = createWalletCore({ kvMount: 'secret' }).forTenant(
      'acme',
      fake.kv,
    ).keys;
    const created = [
      await keys.create('Ed25519'),
      await keys.create('secp256k1'),
      await keys.create('P-256'),
    ];

    expect((await keys.list()).map((k) => k.id)).toEqual(
      created.map((k) => k.id),
    );
  });

  it('lists nothing for a tenant without keys', async () => {
    expect(await setup().keys.list()).toEqual([]);
  });

  it('deletes a key so that it can no longer be read or used', async () => {
    const { keys, fake } = setup();
    const key = await keys.create('Ed25519');
    await keys.delete(key.id);

    expect(fake.paths()).toEqual([]);
    expect((await rejection(keys.get(key.id))).code).toBe('not_found');
    expect((await rejection(keys.sign(key.id, Buffer.from('x')))).code).toBe(
      'not_found',
    );
    expect((await rejection(keys.delete(key.id))).code).toBe('not_found');
  });

  it('answers not_found for an unknown key id', async () => {
    const err = await rejection(
      setup().keys.get('0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10'),
    );
    expect(err).toMatchObject({ code: 'not_found', status: 404 });
  });

  it.each(['../seed', 'not-a-uuid', ''])(
    'refuses the malformed key id %j before touching Vault',
    async (id) => {
      const { keys, fake } = setup();
      expect((await rejection(keys.get(id))).code).toBe('validation_failed');
      expect((await rejection(keys.sign(id, Buffer.from('x')))).code).toBe(
        'validation_failed',
      );
      expect(fake.callCount()).toBe(0);
    },
  );

  it('refuses an unknown key type', async () => {
    const err = await rejection(setup().keys.create('RSA' as never));
    expect(err.code).toBe('validation_failed');
  });

  it('turns a Vault outage into vault_unavailable with a retry hint', async () => {
    const { keys, fake } = setup();
    fake.down();
    const err = await rejection(keys.create('Ed25519'));
    expect(err).toMatchObject({
      code: 'vault_unavailable',
      status: 503,
      retryAfterSeconds: 2,
    });
  });
});
