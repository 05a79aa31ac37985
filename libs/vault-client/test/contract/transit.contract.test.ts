import type { TransitApi } from '../../src/index';
import { startVault, type TestVault } from './harness';

describe('transit against vault-dev', () => {
  let vault: TestVault;
  let transit: TransitApi;
  beforeAll(async () => {
    vault = await startVault();
    await vault.root.sys.enableSecretsEngine('transit', { type: 'transit' });
    transit = vault.root.transit();
  });
  afterAll(() => vault.stop());

  it('creates an ed25519 key whose public key is raw 32 bytes', async () => {
    const key = await transit.createKey('sign-1', { type: 'ed25519' });
    expect(key).toMatchObject({
      name: 'sign-1',
      type: 'ed25519',
      latestVersion: 1,
      exportable: false,
    });
    const pub = (key.keys['1'] as { publicKey: string }).publicKey;
    expect(Buffer.from(pub, 'base64')).toHaveLength(32);
    expect(await transit.listKeys()).toContain('sign-1');
    expect(await transit.readKey('missing')).toBeUndefined();
  });

  it('signs and verifies, and rejects a signature over other input', async () => {
    const input = Buffer.from('payload');
    const { signature, keyVersion } = await transit.sign('sign-1', input);
    expect(signature).toMatch(/^vault:v1:/);
    expect(keyVersion).toBe(1);
    expect(await transit.verify('sign-1', input, signature)).toBe(true);
    expect(
      await transit.verify('sign-1', Buffer.from('other'), signature),
    ).toBe(false);
  });

  it('encrypts and decrypts across a rotation', async () => {
    await transit.createKey('enc-1');
    const old = await transit.encrypt('enc-1', Buffer.from('hello'));
    const rotated = await transit.rotateKey('enc-1');
    expect(rotated.latestVersion).toBe(2);
    const fresh = await transit.encrypt('enc-1', Buffer.from('world'));
    expect(fresh.ciphertext).toMatch(/^vault:v2:/);
    expect((await transit.decrypt('enc-1', old.ciphertext)).toString()).toBe(
      'hello',
    );
    expect((await transit.decrypt('enc-1', fresh.ciphertext)).toString()).toBe(
      'world',
    );
  });
});
