import {
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { isAppError } from '@secret-flows/contracts';
import {
  VaultResponseError,
  type TransitApi,
  type TransitKey,
} from '@secret-flows/vault-client';
import { createFakeKv } from '../testing';
import { createWalletCore } from '../wallet-core';
import {
  tenantTransitKeys,
  transitEligible,
  transitKeyName,
} from './transit-keys';
import type { KeyId, TenantId } from '../names';

// A Transit engine in memory with Vault's wire shapes (ed25519 public keys as raw base64, ECDSA
// as SPKI PEM; signatures `vault:v<N>:`, ES256 with marshaling_algorithm=jws as base64url r||s).
// vault-dev's real engine is exercised by apps/wallet's contract test and the e2e tests.
function createFakeTransit() {
  const keys = new Map<
    string,
    { type: string; versions: KeyObject[]; deletionAllowed: boolean }
  >();
  const refuse = (status: number, message: string) =>
    new VaultResponseError({ status, errors: [message], path: 'transit' });
  const body = (name: string): TransitKey => {
    const k = keys.get(name);
    if (!k) throw refuse(400, 'key not found');
    return {
      name,
      type: k.type,
      latestVersion: k.versions.length,
      minDecryptionVersion: 1,
      exportable: false,
      deletionAllowed: k.deletionAllowed,
      supportsSigning: true,
      supportsEncryption: false,
      keys: Object.fromEntries(
        k.versions.map((priv, i) => {
          const pub = createPublicKey(priv);
          const publicKey =
            k.type === 'ed25519'
              ? Buffer.from(
                  String(pub.export({ format: 'jwk' }).x),
                  'base64url',
                ).toString('base64')
              : pub.export({ type: 'spki', format: 'pem' }).toString();
          return [
            String(i + 1),
            {
              publicKey,
              name: k.type,
              creationTime: '2026-12-04T10:00:00.123456789Z',
            },
          ];
        }),
      ),
    };
  };
  const generate = (type: string) =>
    (type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    ).privateKey;
  const api: Pick<
    TransitApi,
    | 'createKey'
    | 'readKey'
    | 'listKeys'
    | 'rotateKey'
    | 'configureKey'
    | 'deleteKey'
    | 'sign'
  > = {
    async createKey(name, fields = {}) {
      if (!keys.has(name))
        keys.set(name, {
          type: String(fields.type),
          versions: [generate(String(fields.type))],
          deletionAllowed: false,
        });
      return body(name);
    },
    readKey: async (name) => (keys.has(name) ? body(name) : undefined),
    listKeys: async () => [...keys.keys()].sort(),
    async rotateKey(name) {
      const k = keys.get(name);
      if (!k) throw refuse(400, 'key not found');
      k.versions.push(generate(k.type));
      return body(name);
    },
    async configureKey(name, fields) {
      const k = keys.get(name);
      if (!k) throw refuse(400, `no existing key named ${name} could be found`);
      if (fields.deletionAllowed !== undefined)
        k.deletionAllowed = fields.deletionAllowed;
    },
    async deleteKey(name) {
      const k = keys.get(name);
      if (!k)
        throw refuse(
          400,
          `error deleting policy ${name}: could not delete key; not found`,
        );
      if (!k.deletionAllowed)
        throw refuse(
          400,
          `error deleting policy ${name}: deletion is not allowed for this key`,
        );
      keys.delete(name);
    },
    async sign(name, input, opts = {}) {
      const k = keys.get(name);
      if (!k) throw refuse(400, 'signing key not found');
      const priv = k.versions[k.versions.length - 1];
      const sig =
        k.type === 'ed25519'
          ? sign(null, input, priv).toString('base64')
          : sign('sha256', input, {
              key: priv,
              dsaEncoding:
                opts.marshalingAlgorithm === 'jws' ? 'ieee-p1363' : 'der',
            }).toString(
              opts.marshalingAlgorithm === 'jws' ? 'base64url' : 'base64',
            );
      return {
        signature: `vault:v${k.versions.length}:${sig}`,
        keyVersion: k.versions.length,
      };
    },
  };
  return { api: api as TransitApi, keys };
}

function setup(tenantId = 'acme') {
  const fake = createFakeKv();
  const transit = createFakeTransit();
  const core = createWalletCore({
    kvMount: 'secret',
    transit: { mount: 'transit', admin: transit.api },
  });
  return {
    fake,
    transit,
    core,
    keys: core.forTenant(tenantId, fake.kv, transit.api).keys,
  };
}

const payload = Buffer.from('header.payload');
const verifies = (jwk: object, alg: string, signature: string) => {
  const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  const bytes = Buffer.from(signature, 'base64url');
  return (
    bytes.length === 64 &&
    (alg === 'EdDSA'
      ? verify(null, payload, key, bytes)
      : verify('sha256', payload, { key, dsaEncoding: 'ieee-p1363' }, bytes))
  );
};

describe('Transit key names', () => {
  it("keep one tenant's prefix off another tenant's keys", () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e' as KeyId;
    expect(transitKeyName('acme' as TenantId, id)).toBe(`tenant-acme__${id}`);
    const names = [
      `tenant-acme__${id}`,
      `tenant-acme-corp__${id}`,
      `tenant-acme__${id}x`,
      'unrelated',
    ];
    expect(tenantTransitKeys('acme' as TenantId, names)).toEqual([
      `tenant-acme__${id}`,
    ]);
    expect([
      transitEligible('acme'),
      transitEligible('acme__x'),
      transitEligible('acme_'),
      transitEligible('a_b'),
    ]).toEqual([true, false, false, true]);
  });
});

describe('key custody', () => {
  it.each([
    ['Ed25519', 'EdDSA'],
    ['P-256', 'ES256'],
  ] as const)(
    '%s defaults to vault-transit: the KV record holds no private material and signatures verify',
    async (type, alg) => {
      const { keys, fake } = setup();
      const key = await keys.create(type);
      expect([key.custody, key.versions?.map((v) => v.version)]).toEqual([
        'vault-transit',
        [1],
      ]);
      const record = await fake.kv.read(`tenants/acme/transit-keys/${key.id}`);
      expect(record?.data).toEqual({
        type,
        transitKey: `tenant-acme__${key.id}`,
        custody: 'vault-transit',
      });
      const signed = await keys.sign(key.id, payload);
      expect([signed.alg, signed.keyVersion]).toEqual([alg, 1]);
      expect(verifies(key.publicKeyJwk, alg, signed.signature)).toBe(true);
      expect(await keys.get(key.id)).toEqual(key);
      expect((await keys.list()).map((k) => k.id)).toEqual([key.id]);
    },
  );

  it('counts vault-transit keys against the tenant key quota, with wallet keys, and frees one on delete', async () => {
    const fake = createFakeKv();
    const transit = createFakeTransit();
    const core = createWalletCore({
      kvMount: 'secret',
      quotas: { secrets: 10, keys: 2, valueBytes: 100, totalBytes: 1000 },
      transit: { mount: 'transit', admin: transit.api },
    });
    const keys = core.forTenant('acme', fake.kv, transit.api).keys;
    const first = await keys.create('Ed25519');
    await keys.create('secp256k1');
    const refused = await keys.create('P-256').catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('quota_keys_exceeded');
    expect(transit.keys.size).toBe(1);
    await keys.delete(first.id);
    expect((await keys.create('P-256')).custody).toBe('vault-transit');
  });

  it('keeps secp256k1 in the wallet and refuses it vault-transit custody', async () => {
    const { keys } = setup();
    expect((await keys.create('secp256k1')).custody).toBe('wallet');
    const err = await keys
      .create('secp256k1', 'vault-transit')
      .catch((e: unknown) => e);
    expect(isAppError(err) && [err.code, err.detail]).toEqual([
      'validation_failed',
      expect.stringMatching(/secp256k1/),
    ]);
  });

  it('uses wallet custody when Transit is not enabled or the tenant id cannot be confined, and says so when asked for Transit', async () => {
    const plain = createWalletCore({ kvMount: 'secret' }).forTenant(
      'acme',
      createFakeKv().kv,
    ).keys;
    expect((await plain.create('Ed25519')).custody).toBe('wallet');
    expect(
      await plain
        .create('Ed25519', 'vault-transit')
        .catch((e: unknown) => isAppError(e) && e.code),
    ).toBe('validation_failed');
    const { keys } = setup('acme__x');
    expect((await keys.create('Ed25519')).custody).toBe('wallet');
    expect(
      await keys
        .create('Ed25519', 'vault-transit')
        .catch((e: unknown) => isAppError(e) && e.code),
    ).toBe('validation_failed');
  });

  it('reads the key when Vault answers create and rotate without a key body (204, as older Vaults do)', async () => {
    const { fake, transit, core } = setup();
    const silent = {
      ...transit.api,
      createKey: async (n: string, f?: object) => (
        await transit.api.createKey(n, f),
        { keys: {} } as unknown as TransitKey
      ),
      rotateKey: async (n: string) => (
        await transit.api.rotateKey(n),
        { keys: {} } as unknown as TransitKey
      ),
    };
    const keys = core.forTenant('acme', fake.kv, silent).keys;
    const key = await keys.create('Ed25519');
    expect(key.versions?.length).toBe(1);
    expect((await keys.rotate(key.id)).versions?.length).toBe(2);
  });

  it('rotates Transit keys (old versions listed) and refuses to rotate wallet keys with 409', async () => {
    const { keys } = setup();
    const key = await keys.create('Ed25519');
    const before = await keys.sign(key.id, payload);
    const rotated = await keys.rotate(key.id);
    expect(rotated.versions?.map((v) => v.version)).toEqual([1, 2]);
    const after = await keys.sign(key.id, payload);
    expect(after.keyVersion).toBe(2);
    expect(
      verifies(
        rotated.versions?.[0].publicKeyJwk ?? {},
        'EdDSA',
        before.signature,
      ),
    ).toBe(true);
    expect(verifies(rotated.publicKeyJwk, 'EdDSA', after.signature)).toBe(true);
    const walletKey = await keys.create('P-256', 'wallet');
    expect(
      await keys
        .rotate(walletKey.id)
        .catch((e: unknown) => isAppError(e) && e.code),
    ).toBe('conflict');
  });

  it('deletes a Transit key with the admin client (deletion_allowed first), and destroyAll removes only the tenant’s keys', async () => {
    const { keys, transit, core, fake } = setup();
    const a = await keys.create('Ed25519');
    await keys.create('P-256');
    const other = await core
      .forTenant('acme-corp', fake.kv, transit.api)
      .keys.create('Ed25519');
    await keys.delete(a.id);
    expect(transit.keys.has(`tenant-acme__${a.id}`)).toBe(false);
    expect(
      await keys.get(a.id).catch((e: unknown) => isAppError(e) && e.code),
    ).toBe('not_found');
    await core.forTenant('acme', fake.kv, transit.api).destroyAll();
    expect([...transit.keys.keys()]).toEqual([`tenant-acme-corp__${other.id}`]);
  });
});
