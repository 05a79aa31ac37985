/**
 * Conformance: the transit engine over HTTP (vault-api.md §9, §13 #116-#118).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { startTestVault, type TestVault } from '../support/vault-http';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('vault-dev transit', () => {
  let vault: TestVault;

  beforeAll(async () => {
    vault = await startTestVault();
    expect(
      (await vault.root$('POST', '/v1/sys/mounts/transit', { type: 'transit' }))
        .status,
    ).toBe(204);
  });
  afterAll(() => vault.server.stop());

  it('[#116] creates an ed25519 key: 200 key body, not exportable, raw 32-byte public key', async () => {
    const res = await vault.root$('POST', '/v1/transit/keys/signer', {
      type: 'ed25519',
    });
    expect(res.status).toBe(200);
    expect(res.json.data).toMatchObject({
      name: 'signer',
      type: 'ed25519',
      exportable: false,
      latest_version: 1,
      supports_signing: true,
    });
    expect(
      Buffer.from(res.json.data.keys['1'].public_key, 'base64'),
    ).toHaveLength(32);
    const ec = await vault.root$('POST', '/v1/transit/keys/p256', {
      type: 'ecdsa-p256',
    });
    expect(ec.json.data.keys['1'].public_key).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );
    expect((await vault.root$('GET', '/v1/transit/keys/missing')).json).toEqual(
      { errors: [] },
    );
  });

  it('[#117] signs with vault:v1: signatures that verify, and a wrong input does not', async () => {
    const sig = await vault.root$('POST', '/v1/transit/sign/signer', {
      input: b64('payload'),
    });
    expect(sig.json.data).toEqual({
      signature: expect.stringMatching(/^vault:v1:/),
      key_version: 1,
    });
    const ok = await vault.root$('POST', '/v1/transit/verify/signer', {
      input: b64('payload'),
      signature: sig.json.data.signature,
    });
    expect(ok.json.data).toEqual({ valid: true });
    const bad = await vault.root$('POST', '/v1/transit/verify/signer', {
      input: b64('other'),
      signature: sig.json.data.signature,
    });
    expect([bad.status, bad.json.data]).toEqual([200, { valid: false }]);
    const malformed = await vault.root$('POST', '/v1/transit/verify/signer', {
      input: b64('x'),
      signature: 'nope',
    });
    expect([malformed.status, malformed.json]).toEqual([
      400,
      { errors: ['invalid signature: no prefix'] },
    ]);
  });

  it('[#117] produces Ed25519 signatures any verifier accepts with the published key', async () => {
    const key = (await vault.root$('GET', '/v1/transit/keys/signer')).json.data
      .keys['1'].public_key as string;
    const jwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(key, 'base64').toString('base64url'),
    };
    const sig = (
      await vault.root$('POST', '/v1/transit/sign/signer', { input: b64('m') })
    ).json.data.signature as string;
    expect(
      verify(
        null,
        Buffer.from('m'),
        createPublicKey({ key: jwk, format: 'jwk' }),
        Buffer.from(sig.split(':')[2], 'base64'),
      ),
    ).toBe(true);
  });

  it('[#118] round-trips encryption, and after rotate new ciphertexts are v2 while v1 still decrypts', async () => {
    expect(
      (await vault.root$('POST', '/v1/transit/keys/data', {})).json.data.type,
    ).toBe('aes256-gcm96');
    const v1 = (
      await vault.root$('POST', '/v1/transit/encrypt/data', {
        plaintext: b64('one'),
      })
    ).json.data.ciphertext as string;
    expect(v1).toMatch(/^vault:v1:/);
    expect(
      (await vault.root$('POST', '/v1/transit/keys/data/rotate')).json.data
        .latest_version,
    ).toBe(2);
    const v2 = (
      await vault.root$('POST', '/v1/transit/encrypt/data', {
        plaintext: b64('two'),
      })
    ).json.data;
    expect(v2).toEqual({
      ciphertext: expect.stringMatching(/^vault:v2:/),
      key_version: 2,
    });
    expect(
      (
        await vault.root$('POST', '/v1/transit/decrypt/data', {
          ciphertext: v1,
        })
      ).json.data,
    ).toEqual({ plaintext: b64('one') });
    expect(
      (
        await vault.root$('POST', '/v1/transit/decrypt/data', {
          ciphertext: v2.ciphertext,
        })
      ).json.data,
    ).toEqual({ plaintext: b64('two') });
  });

  it('lets a policy with only update encrypt with an existing key but not create one', async () => {
    await vault.root$('PUT', '/v1/sys/policies/acl/enc', {
      policy: 'path "transit/encrypt/*" { capabilities = ["update"] }',
    });
    const token = (
      await vault.root$('POST', '/v1/auth/token/create', { policies: ['enc'] })
    ).json.auth.client_token as string;
    expect(
      (
        await vault.call('POST', '/v1/transit/encrypt/data', {
          token,
          body: { plaintext: b64('x') },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await vault.call('POST', '/v1/transit/encrypt/brand-new', {
          token,
          body: { plaintext: b64('x') },
        })
      ).status,
    ).toBe(403);
  });
});

/**
 * What Transit-custody signing uses (docs/adr/0015-key-custody-modes.md). Vault facts:
 * builtin/logical/transit/path_sign_verify.go (hash only when `HashSignatureInput() &&
 * !prehashed`; `invalid hash algorithm %q`; Ed25519 signs the raw input), keysutil
 * policy.go SignWithOptions / VerifySignatureWithOptions (`jws` = raw r||s for ECDSA, and
 * RawURLEncoding text for every key type; signing-version texts), path_keys.go / keysutil
 * lock_manager.go DeletePolicy (delete error texts), and
 * Vault's ACL rules (policy on `transit/sign/<name>` decides who may sign).
 */
describe('vault-dev transit: signing inputs, key config and deletion', () => {
  let vault: TestVault;
  const input = Buffer.from('{"jws":"payload"}');

  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('POST', '/v1/sys/mounts/transit', { type: 'transit' });
    await vault.root$('POST', '/v1/transit/keys/ec', { type: 'ecdsa-p256' });
    await vault.root$('POST', '/v1/transit/keys/ed', { type: 'ed25519' });
  });
  afterAll(() => vault.server.stop());

  const publicKeyOf = async (name: string, version = 1) =>
    (await vault.root$('GET', `/v1/transit/keys/${name}`)).json.data.keys[
      String(version)
    ].public_key as string;

  it('ES256 with marshaling_algorithm=jws: 64-byte r||s in base64url that node:crypto verifies', async () => {
    const res = await vault.root$('POST', '/v1/transit/sign/ec', {
      input: input.toString('base64'),
      hash_algorithm: 'sha2-256',
      marshaling_algorithm: 'jws',
    });
    const sig = String(res.json.data.signature).split(':')[2];
    expect(sig).toMatch(/^[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(sig, 'base64url');
    expect(raw).toHaveLength(64);
    const key = createPublicKey(await publicKeyOf('ec'));
    expect(
      verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, raw),
    ).toBe(true);
  });

  it('prehashed=true signs the given digest as is (asn1 and jws), and verify agrees', async () => {
    const digest = createHash('sha256').update(input).digest();
    const key = createPublicKey(await publicKeyOf('ec'));
    for (const marshaling of ['asn1', 'jws'] as const) {
      const res = await vault.root$('POST', '/v1/transit/sign/ec', {
        input: digest.toString('base64'),
        prehashed: true,
        marshaling_algorithm: marshaling,
      });
      expect(res.status).toBe(200);
      const sig = String(res.json.data.signature).split(':')[2];
      const raw = Buffer.from(
        sig,
        marshaling === 'jws' ? 'base64url' : 'base64',
      );
      // Over the ORIGINAL input: the digest was not hashed a second time.
      expect(
        verify(
          'sha256',
          input,
          {
            key,
            dsaEncoding: marshaling === 'jws' ? 'ieee-p1363' : 'der',
          },
          raw,
        ),
      ).toBe(true);
      const checked = await vault.root$('POST', '/v1/transit/verify/ec', {
        input: digest.toString('base64'),
        prehashed: true,
        marshaling_algorithm: marshaling,
        signature: res.json.data.signature,
      });
      expect(checked.json.data).toEqual({ valid: true });
    }
  });

  it('Ed25519 signs the raw input (pure Ed25519); an unknown hash is refused before the key type is looked at', async () => {
    const res = await vault.root$('POST', '/v1/transit/sign/ed', {
      input: input.toString('base64'),
    });
    const raw = Buffer.from(
      String(res.json.data.signature).split(':')[2],
      'base64',
    );
    const key = createPublicKey({
      key: {
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.from(await publicKeyOf('ed'), 'base64').toString('base64url'),
      },
      format: 'jwk',
    });
    expect(raw).toHaveLength(64);
    expect(verify(null, input, key, raw)).toBe(true);
    const bad = await vault.root$('POST', '/v1/transit/sign/ed', {
      input: input.toString('base64'),
      hash_algorithm: 'md5',
    });
    expect([bad.status, bad.json]).toEqual([
      400,
      { errors: ['invalid hash algorithm "md5"'] },
    ]);
  });

  it('marshaling_algorithm=jws picks unpadded base64url for Ed25519 too, and verify decodes it the same way', async () => {
    const res = await vault.root$('POST', '/v1/transit/sign/ed', {
      input: input.toString('base64'),
      marshaling_algorithm: 'jws',
    });
    const text = String(res.json.data.signature).split(':')[2];
    expect(text).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const ok = await vault.root$('POST', '/v1/transit/verify/ed', {
      input: input.toString('base64'),
      marshaling_algorithm: 'jws',
      signature: res.json.data.signature,
    });
    expect(ok.json.data).toEqual({ valid: true });
    const wrongEncoding = await vault.root$('POST', '/v1/transit/verify/ed', {
      input: input.toString('base64'),
      signature: res.json.data.signature,
    });
    expect(wrongEncoding.status).toBe(400);
  });

  it('refuses signing versions with policy.go texts', async () => {
    const above = await vault.root$('POST', '/v1/transit/sign/ed', {
      input: input.toString('base64'),
      key_version: 9,
    });
    expect([above.status, above.json]).toEqual([
      400,
      {
        errors: [
          'requested version for signing is higher than the latest key version',
        ],
      },
    ]);
  });

  it('rotate: the key read lists a public key per version; v1 signatures still verify', async () => {
    await vault.root$('POST', '/v1/transit/keys/rot', { type: 'ecdsa-p256' });
    const body = {
      input: input.toString('base64'),
      marshaling_algorithm: 'jws',
    };
    const v1 = (await vault.root$('POST', '/v1/transit/sign/rot', body)).json
      .data;
    const rotated = await vault.root$(
      'POST',
      '/v1/transit/keys/rot/rotate',
      {},
    );
    expect(rotated.json.data.latest_version).toBe(2);
    const read = (await vault.root$('GET', '/v1/transit/keys/rot')).json.data;
    expect(Object.keys(read.keys)).toEqual(['1', '2']);
    expect(read.keys['1'].public_key).not.toEqual(read.keys['2'].public_key);
    const v2 = (await vault.root$('POST', '/v1/transit/sign/rot', body)).json
      .data;
    expect([v1.key_version, v2.key_version]).toEqual([1, 2]);
    const ok = await vault.root$('POST', '/v1/transit/verify/rot', {
      ...body,
      signature: v1.signature,
    });
    expect(ok.json.data).toEqual({ valid: true });
  });

  it('delete: refused until deletion_allowed, then gone; a missing key is a 400 as in lock_manager.go', async () => {
    await vault.root$('POST', '/v1/transit/keys/gone', { type: 'ed25519' });
    const refused = await vault.root$('DELETE', '/v1/transit/keys/gone');
    expect([refused.status, refused.json]).toEqual([
      400,
      {
        errors: [
          'error deleting policy gone: deletion is not allowed for this key',
        ],
      },
    ]);
    await vault.root$('POST', '/v1/transit/keys/gone/config', {
      deletion_allowed: true,
    });
    expect((await vault.root$('DELETE', '/v1/transit/keys/gone')).status).toBe(
      204,
    );
    const again = await vault.root$('DELETE', '/v1/transit/keys/gone');
    expect([again.status, again.json]).toEqual([
      400,
      {
        errors: ['error deleting policy gone: could not delete key; not found'],
      },
    ]);
  });

  it('a templated transit/sign rule whose template cannot resolve (no entity) grants nothing', async () => {
    await vault.root$('PUT', '/v1/sys/policies/acl/signer-a', {
      policy:
        'path "transit/sign/tenant-{{identity.entity.name}}__*" { capabilities = ["update"] }',
    });
    const entity = await vault.root$('POST', '/v1/identity/entity', {
      name: 'acme',
      policies: ['signer-a'],
    });
    expect(entity.status).toBe(200);
    await vault.root$('POST', '/v1/transit/keys/tenant-acme__k1', {
      type: 'ed25519',
    });
    await vault.root$('POST', '/v1/transit/keys/tenant-other__k1', {
      type: 'ed25519',
    });
    const token = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['signer-a'],
      })
    ).json.auth.client_token as string;
    // A plain token has no entity: the template cannot resolve, so the rule is dropped.
    const noEntity = await vault.call(
      'POST',
      '/v1/transit/sign/tenant-acme__k1',
      {
        token,
        body: { input: input.toString('base64') },
      },
    );
    expect(noEntity.status).toBe(403);
  });
});
