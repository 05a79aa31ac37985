import { createPublicKey, randomUUID, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  type VaultClient,
} from '@secret-flows/vault-client';
import {
  createWalletCore,
  type PublicKeyInfo,
  type TenantWallet,
} from '../../src/index';

// The phase 3 wallet policy from deploy/vault: the contract is that wallet-core works with
// exactly these capabilities, not with a root token.
const WALLET_POLICY = path.resolve(
  __dirname,
  '../../../../deploy/vault/policies/wallet.hcl',
);

// A real server on a shared two-core machine: generous, but bounded.
jest.setTimeout(30_000);

describe('wallet-core against vault-dev with the wallet policy', () => {
  let server: VaultDevServer;
  let root: VaultClient;
  let walletToken: VaultClient;
  let alice: TenantWallet;
  let bob: TenantWallet;

  beforeAll(async () => {
    server = await startVaultDev({
      port: 0,
      rootToken: `root-${randomUUID()}`,
    });
    root = createVaultClient({
      address: server.address,
      auth: tokenAuth(server.rootToken),
    });
    await root.sys.writePolicy(
      'wallet',
      fs.readFileSync(WALLET_POLICY, 'utf8'),
    );
    const auth = await root.auth.token.create({
      policies: ['wallet'],
      ttl: '10m',
      noParent: true,
    });
    walletToken = root.withToken(auth.clientToken);
    const core = createWalletCore({ kvMount: 'secret' });
    alice = core.forClient('alice', walletToken);
    bob = core.forClient('bob', walletToken);
  });

  afterAll(async () => {
    await root.stop();
    await server.stop();
  });

  it.each(['Ed25519', 'secp256k1', 'P-256'] as const)(
    'creates a %s key in Vault and signs verifiably with it',
    async (type) => {
      const key = await alice.keys.create(type);
      const payload = Buffer.from(`payload for ${type}`);
      const { signature } = await alice.keys.sign(key.id, payload);
      expect(verifies(key, payload, Buffer.from(signature, 'base64url'))).toBe(
        true,
      );

      const stored = await root
        .kvV2('secret')
        .read(`tenants/alice/keys/${key.id}`);
      expect(stored?.data).toMatchObject({
        type,
        privateJwk: { d: expect.any(String) },
      });
      expect(await alice.keys.get(key.id)).toEqual(key);
    },
  );

  it('versions secrets, enforces cas with a conflict, lists and deletes', async () => {
    await alice.secrets.put('db/password', 'v1', 0);
    await alice.secrets.put('db/password', 'v2', 1);
    await expect(
      alice.secrets.put('db/password', 'stale', 1),
    ).rejects.toMatchObject({ code: 'conflict', status: 409 });
    await expect(
      alice.secrets.put('db/password', 'again', 0),
    ).rejects.toMatchObject({ code: 'conflict' });

    expect(await alice.secrets.get('db/password')).toMatchObject({
      value: 'v2',
      version: 2,
    });
    expect(await alice.secrets.get('db/password', 1)).toMatchObject({
      value: 'v1',
      version: 1,
    });
    await alice.secrets.put('api-key', 'k');
    expect((await alice.secrets.list()).names).toEqual([
      'api-key',
      'db/password',
    ]);

    await alice.secrets.delete('db/password');
    await expect(alice.secrets.get('db/password', 1)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await alice.secrets.list()).names).toEqual(['api-key']);
  });

  it('creates a wallet seed once, with cas 0', async () => {
    expect(await bob.seed.ensure()).toEqual({ created: true });
    expect(await bob.seed.ensure()).toEqual({ created: false });
    await expect(bob.seed.ensure(Buffer.alloc(64, 9))).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(
      (await root.kvV2('secret').readMetadata('tenants/bob/seed'))
        ?.currentVersion,
    ).toBe(1);
  });

  it("keeps tenants apart and destroys one tenant's data completely", async () => {
    expect((await alice.keys.list()).map((k) => k.type).sort()).toEqual([
      'Ed25519',
      'P-256',
      'secp256k1',
    ]);
    await bob.secrets.put('mine', 'b');
    expect((await bob.secrets.list()).names).toEqual(['mine']);
    expect((await bob.keys.list()).length).toBe(0);

    const destroyed = await bob.destroyAll();
    expect(destroyed).toBe(2);
    expect(await root.kvV2('secret').list('tenants/bob')).toEqual([]);
    expect((await alice.secrets.list()).names.length).toBeGreaterThan(0);
  });

  it('reports an unreachable Vault as vault_unavailable', async () => {
    const offline = createVaultClient({
      address: 'http://127.0.0.1:9',
      auth: tokenAuth('x'),
      timeoutMs: 500,
      retry: { maxAttempts: 1 },
    });
    const wallet = createWalletCore({ kvMount: 'secret' }).forClient(
      'alice',
      offline.withToken('x'),
    );
    await expect(wallet.secrets.get('api-key')).rejects.toMatchObject({
      code: 'vault_unavailable',
      status: 503,
    });
    await offline.stop();
  });
});

function verifies(
  key: PublicKeyInfo,
  payload: Buffer,
  signature: Buffer,
): boolean {
  const publicKey = createPublicKey({
    key: { ...key.publicKeyJwk },
    format: 'jwk',
  });
  if (key.type === 'Ed25519')
    return verify(null, payload, publicKey, signature);
  return verify(
    'sha256',
    payload,
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  );
}
