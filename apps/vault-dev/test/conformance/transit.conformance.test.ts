/**
 * Conformance: the transit engine over HTTP (vault-api.md §9, §13 #116-#118).
 */
import { createPublicKey, verify } from 'node:crypto';
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
