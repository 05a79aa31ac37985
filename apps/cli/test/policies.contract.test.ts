import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  jwtAuth,
  userpassAuth,
  VaultAuthError,
  type VaultClient,
} from '@secret-flows/vault-client';
import { bootstrapVault } from '../src/bootstrap/bootstrap-vault';
import { findSpecDir } from '../src/bootstrap/spec-file';
import { attempt, createTenant, startVault, type TestVault } from './harness';

// One describe per policy in deploy/vault/policies: what a real token carrying it may and may
// not do, against vault-dev's ACL (Vault docs: Policies). 403 = denied by Vault.
const specDir = findSpecDir(__dirname) as string;
const policyText = (name: string) =>
  fs.readFileSync(path.join(specDir, 'policies', `${name}.hcl`), 'utf8');
const CLIENT_ID = 'secret-flows-agent';

describe('deploy/vault policies', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startVault();
    const base = {
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      agentClientId: CLIENT_ID,
    };
    await bootstrapVault({ ...base, phase: 2 });
    await bootstrapVault({ ...base, phase: 3 });
    await vault.root.sys.writePolicy(
      'wallet-provisioner',
      policyText('wallet-provisioner'),
    );
    await vault.root
      .kvV2('secret')
      .write('tenants/acme/seed', { seed: 'acme-seed' });
    await vault.root
      .kvV2('secret')
      .write('tenants/default/seed', { seed: 'default-seed' });
  });
  afterAll(() => vault.stop());

  describe('agent (phase 2)', () => {
    let kv: ReturnType<VaultClient['kvV2']>;
    beforeAll(async () => {
      kv = (await vault.withPolicies('agent')).kvV2('secret');
    });

    it('allows create, read, patch, list and delete under tenants/default', async () => {
      expect(
        await attempt(() => kv.write('tenants/default/keys/k1', { k: 1 })),
      ).toBe('allowed');
      expect(
        await attempt(() => kv.patch('tenants/default/keys/k1', { k: 2 })),
      ).toBe('allowed');
      expect((await kv.read('tenants/default/seed'))?.data).toEqual({
        seed: 'default-seed',
      });
      expect(await kv.list('tenants/default')).toEqual(
        expect.arrayContaining(['keys/', 'seed']),
      );
      expect(
        await attempt(() => kv.deleteMetadata('tenants/default/keys/k1')),
      ).toBe('allowed');
    });

    it('denies other tenants, the tenant list and everything outside KV', async () => {
      expect(await attempt(() => kv.read('tenants/acme/seed'))).toBe(403);
      expect(await attempt(() => kv.write('tenants/acme/x', { x: 1 }))).toBe(
        403,
      );
      expect(await attempt(() => kv.list('tenants'))).toBe(403);
      const agent = await vault.withPolicies('agent');
      expect(
        await attempt(() =>
          agent.sys.writePolicy('x', 'path "*" { capabilities = ["sudo"] }'),
        ),
      ).toBe(403);
      expect(
        await attempt(() => agent.identity.createEntity({ name: 'x' })),
      ).toBe(403);
    });
  });

  describe('wallet (phase 3)', () => {
    it('allows all tenant data and listing tenants', async () => {
      const kv = (await vault.withPolicies('wallet')).kvV2('secret');
      expect((await kv.read('tenants/acme/seed'))?.data).toEqual({
        seed: 'acme-seed',
      });
      expect(
        await attempt(() =>
          kv.write('tenants/globex/secrets/s', { v: 1 }, { cas: 0 }),
        ),
      ).toBe('allowed');
      expect(await kv.list('tenants')).toEqual(
        expect.arrayContaining(['acme/', 'default/', 'globex/']),
      );
      expect(
        await attempt(() => kv.destroy('tenants/globex/secrets/s', [1])),
      ).toBe('allowed');
    });

    it('denies identity, auth and sys administration and paths outside tenants/', async () => {
      const wallet = await vault.withPolicies('wallet');
      expect(
        await attempt(() => wallet.identity.createEntity({ name: 'x' })),
      ).toBe(403);
      expect(
        await attempt(() =>
          wallet.auth.userpass().writeUser('x', { password: 'p' }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          wallet.sys.enableSecretsEngine('kv2', { type: 'kv-v2' }),
        ),
      ).toBe(403);
      expect(
        await attempt(() => wallet.kvV2('secret').write('other/x', { v: 1 })),
      ).toBe(403);
    });

    it('runs vault-transit keys of any tenant (ADR 0015) but never exportable ones, and deletes only after deletion_allowed', async () => {
      const transit = (await vault.withPolicies('wallet')).transit();
      const name = 'tenant-acme__0f8fad5b-d9cb-469f-a165-70867728950e';
      expect(
        await attempt(() => transit.createKey(name, { type: 'ed25519' })),
      ).toBe('allowed');
      expect(await attempt(() => transit.sign(name, Buffer.from('x')))).toBe(
        'allowed',
      );
      expect(await attempt(() => transit.rotateKey(name))).toBe('allowed');
      expect(
        await attempt(() =>
          transit.createKey('tenant-acme__other', {
            type: 'ed25519',
            exportable: true,
          }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.createKey('tenant-acme__aes', { type: 'aes256-gcm96' }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.configureKey(name, { minDecryptionVersion: 2 }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.createKey('not-a-tenant-key', { type: 'ed25519' }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.configureKey(name, { deletionAllowed: true }),
        ),
      ).toBe('allowed');
      expect(await attempt(() => transit.deleteKey(name))).toBe('allowed');
    });
  });

  describe('wallet-provisioner (phase 4)', () => {
    let prov: VaultClient;
    beforeAll(async () => {
      prov = await vault.withPolicies('wallet-provisioner');
    });

    it('provisions a tenant: entity with tenant_id, userpass login with tenant-login, alias', async () => {
      expect(
        await attempt(() => createTenant(prov, 'initech', 'initech-pw')),
      ).toBe('allowed');
      const entity = await prov.identity.lookupEntity({
        name: 'tenant-initech',
      });
      expect(entity?.metadata).toEqual({ tenant_id: 'initech' });
      expect(entity?.aliases.map((a) => a.name)).toEqual(['initech']);
    });

    it('erases a tenant: lists and deletes its metadata', async () => {
      await vault.root
        .kvV2('secret')
        .write('tenants/doomed/seed', { seed: 's' });
      const kv = prov.kvV2('secret');
      expect(await kv.list('tenants/doomed')).toEqual(['seed']);
      expect(
        await attempt(() => kv.deleteMetadata('tenants/doomed/seed')),
      ).toBe('allowed');
      expect(
        await vault.root.kvV2('secret').read('tenants/doomed/seed'),
      ).toBeUndefined();
    });

    it('can never read or write tenant data', async () => {
      const kv = prov.kvV2('secret');
      expect(await attempt(() => kv.read('tenants/acme/seed'))).toBe(403);
      expect(await attempt(() => kv.readMetadata('tenants/acme/seed'))).toBe(
        403,
      );
      expect(
        await attempt(() => kv.write('tenants/acme/seed', { seed: 'evil' })),
      ).toBe(403);
      expect(
        await attempt(() =>
          kv.write('tenants/newco/seed', { seed: 'x' }, { cas: 0 }),
        ),
      ).toBe(403);
    });

    it('deletes Transit keys (list, deletion_allowed, delete) but can never create, read, sign or rotate one', async () => {
      const name = 'tenant-acme__3b241101-e2bb-4255-8caf-4136c566a962';
      await vault.root.transit().createKey(name, { type: 'ecdsa-p256' });
      const transit = prov.transit();
      expect(await transit.listKeys()).toContain(name);
      expect(await attempt(() => transit.readKey(name))).toBe(403);
      expect(await attempt(() => transit.sign(name, Buffer.from('x')))).toBe(
        403,
      );
      expect(await attempt(() => transit.rotateKey(name))).toBe(403);
      expect(
        await attempt(() =>
          transit.createKey('tenant-acme__new', { type: 'ed25519' }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.configureKey(name, {
            deletionAllowed: true,
            minDecryptionVersion: 1,
          }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          transit.configureKey(name, { deletionAllowed: true }),
        ),
      ).toBe('allowed');
      expect(await attempt(() => transit.deleteKey(name))).toBe('allowed');
      expect(await vault.root.transit().readKey(name)).toBeUndefined();
    });

    it('claims a tenant id with check-and-set: create (cas 0), read, update (cas version), nothing more', async () => {
      const kv = prov.kvV2('secret');
      expect(
        await attempt(() =>
          kv.write('tenant-claims/initech', { state: 'creating' }, { cas: 0 }),
        ),
      ).toBe('allowed');
      expect((await kv.read('tenant-claims/initech'))?.metadata.version).toBe(
        1,
      );
      // The loser of the race: Vault's CAS error, not an ACL refusal.
      expect(
        await attempt(() =>
          kv.write('tenant-claims/initech', { state: 'creating' }, { cas: 0 }),
        ),
      ).toBe(400);
      expect(
        await attempt(() =>
          kv.write('tenant-claims/initech', { state: 'active' }, { cas: 1 }),
        ),
      ).toBe('allowed');
      expect(
        await attempt(() => kv.patch('tenant-claims/initech', { state: 'x' })),
      ).toBe(403);
      expect(await attempt(() => kv.delete('tenant-claims/initech'))).toBe(403);
      expect(
        await attempt(() => kv.destroy('tenant-claims/initech', [1])),
      ).toBe(403);
      expect(
        await attempt(() => kv.deleteMetadata('tenant-claims/initech')),
      ).toBe(403);
      expect(
        await attempt(() => kv.readMetadata('tenant-claims/initech')),
      ).toBe(403);
      expect(
        await attempt(() =>
          kv.writeMetadata('tenant-claims/initech', { casRequired: false }),
        ),
      ).toBe(403);
      expect(await attempt(() => kv.list('tenant-claims'))).toBe(403);
      expect(
        await attempt(() =>
          kv.write('tenant-claimsx/initech', { state: 'x' }, { cas: 0 }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          kv.write('other/initech', { state: 'x' }, { cas: 0 }),
        ),
      ).toBe(403);
    });

    it('leaves the claims to the provisioner: no tenant token reads or writes them', async () => {
      await createTenant(vault.root, 'claimless', 'claimless-pw');
      const tenant = vault.client({
        address: vault.server.address,
        auth: userpassAuth({ username: 'claimless', password: 'claimless-pw' }),
      });
      expect(
        await attempt(() =>
          tenant.kvV2('secret').read('tenant-claims/initech'),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          tenant
            .kvV2('secret')
            .write('tenant-claims/claimless', { state: 'active' }, { cas: 0 }),
        ),
      ).toBe(403);
    });

    it('cannot hand out stronger policies through users or entities', async () => {
      expect(
        await attempt(() =>
          prov.auth
            .userpass()
            .writeUser('mallory', { password: 'p', tokenPolicies: ['wallet'] }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          prov.identity.createEntity({ name: 'mallory', policies: ['wallet'] }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          prov.sys.writePolicy(
            'tenant-login',
            'path "*" { capabilities = ["read"] }',
          ),
        ),
      ).toBe(403);
    });
  });

  describe('tenant-login (phases 3-4)', () => {
    it('lets a tenant mint its identity JWT and nothing else', async () => {
      await createTenant(vault.root, 'umbrella', 'umbrella-pw');
      const tenant = vault.client({
        address: vault.server.address,
        auth: userpassAuth({ username: 'umbrella', password: 'umbrella-pw' }),
      });
      expect(
        (await tenant.identity.oidc.generateToken('tenant')).clientId,
      ).toBe(CLIENT_ID);
      expect(
        await attempt(() =>
          tenant.kvV2('secret').read('tenants/umbrella/seed'),
        ),
      ).toBe(403);
      expect(await attempt(() => tenant.kvV2('secret').list('tenants'))).toBe(
        403,
      );
      expect(
        await attempt(() =>
          tenant.auth.userpass().writeUser('umbrella', {
            password: 'x',
            tokenPolicies: ['wallet'],
          }),
        ),
      ).toBe(403);
      expect(
        await attempt(() =>
          tenant.identity.updateEntity('x', {
            metadata: { tenant_id: 'acme' },
          }),
        ),
      ).toBe(403);
    });
  });

  describe('tenant-data (phase 4, via the JWT exchange)', () => {
    const tenantToken = async (tenantId: string) => {
      const user = vault.client({
        address: vault.server.address,
        auth: userpassAuth({ username: tenantId, password: `${tenantId}-pw` }),
      });
      const { token } = await user.identity.oidc.generateToken('tenant');
      return vault.client({
        address: vault.server.address,
        auth: jwtAuth({ role: 'tenant', jwt: async () => token }),
      });
    };
    beforeAll(async () => {
      await bootstrapVault({
        vaultAddr: vault.server.address,
        token: vault.rootToken,
        phase: 4,
        agentClientId: CLIENT_ID,
      });
      const prov = await vault.withPolicies('wallet-provisioner');
      await createTenant(prov, 'hooli', 'hooli-pw');
      await createTenant(prov, 'piedpiper', 'piedpiper-pw');
    });

    it('lets the new tenant write its own seed with cas 0 and use its subtree', async () => {
      const hooli = await tenantToken('hooli');
      const kv = hooli.kvV2('secret');
      expect(
        await attempt(() =>
          kv.write('tenants/hooli/seed', { seed: 'h' }, { cas: 0 }),
        ),
      ).toBe('allowed');
      expect((await kv.read('tenants/hooli/seed'))?.data).toEqual({
        seed: 'h',
      });
      expect(await kv.list('tenants/hooli')).toEqual(['seed']);
      expect(await attempt(() => kv.delete('tenants/hooli/seed'))).toBe(
        'allowed',
      );
      expect((await hooli.auth.token.lookupSelf()).policies).toEqual([
        'default',
        'tenant-data',
      ]);
    });

    it('refuses every other tenant and the tenant list', async () => {
      await vault.root
        .kvV2('secret')
        .write('tenants/piedpiper/seed', { seed: 'p' });
      const kv = (await tenantToken('hooli')).kvV2('secret');
      expect(await attempt(() => kv.read('tenants/piedpiper/seed'))).toBe(403);
      expect(
        await attempt(() => kv.write('tenants/piedpiper/seed', { seed: 'x' })),
      ).toBe(403);
      expect(await attempt(() => kv.list('tenants/piedpiper'))).toBe(403);
      expect(await attempt(() => kv.list('tenants'))).toBe(403);
      expect(await attempt(() => kv.read('tenants/acme/seed'))).toBe(403);
      // Nor the wallet's claim records: a tenant cannot free or steal an id.
      expect(await attempt(() => kv.read('tenant-claims/hooli'))).toBe(403);
      expect(
        await attempt(() =>
          kv.write('tenant-claims/hooli', { state: 'released' }, { cas: 0 }),
        ),
      ).toBe(403);
    });

    it("confines Transit keys to the tenant's own tenant-<id>__ prefix, without deletion or export (ADR 0015)", async () => {
      const hooli = (await tenantToken('hooli')).transit();
      const own = 'tenant-hooli__9f1c2b4e-1111-4c3d-8e5f-000000000001';
      expect(
        await attempt(() => hooli.createKey(own, { type: 'ed25519' })),
      ).toBe('allowed');
      expect(await attempt(() => hooli.sign(own, Buffer.from('x')))).toBe(
        'allowed',
      );
      expect(await attempt(() => hooli.rotateKey(own))).toBe('allowed');
      expect(
        await attempt(() => hooli.configureKey(own, { deletionAllowed: true })),
      ).toBe(403);
      expect(await attempt(() => hooli.deleteKey(own))).toBe(403);
      expect(
        await attempt(() =>
          hooli.createKey('tenant-hooli__x', {
            type: 'ed25519',
            exportable: true,
          }),
        ),
      ).toBe(403);
      const theirs = 'tenant-piedpiper__9f1c2b4e-1111-4c3d-8e5f-000000000002';
      await vault.root.transit().createKey(theirs, { type: 'ed25519' });
      expect(await attempt(() => hooli.sign(theirs, Buffer.from('x')))).toBe(
        403,
      );
      expect(await attempt(() => hooli.readKey(theirs))).toBe(403);
      expect(await attempt(() => hooli.listKeys())).toBe(403);
    });

    it('gives a login whose entity has no tenant_id no tenant at all', async () => {
      await vault.root.auth.userpass().writeUser('drifter', {
        password: 'drifter-pw',
        tokenPolicies: ['tenant-login'],
      });
      const user = vault.client({
        address: vault.server.address,
        auth: userpassAuth({ username: 'drifter', password: 'drifter-pw' }),
      });
      const { token } = await user.identity.oidc.generateToken('tenant');
      const exchanged = vault.client({
        address: vault.server.address,
        auth: jwtAuth({ role: 'tenant', jwt: async () => token }),
      });
      // Vault may refuse the empty tenant_id claim at login; if it does not, the token must reach nothing.
      const refused = await exchanged.login().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (refused) {
        expect(refused).toBeInstanceOf(VaultAuthError);
        return;
      }
      const kv = exchanged.kvV2('secret');
      expect(await attempt(() => kv.read('tenants/acme/seed'))).toBe(403);
      expect(
        await attempt(() => kv.write('tenants//seed', { seed: 'x' })),
      ).not.toBe('allowed');
      expect(await attempt(() => kv.list('tenants'))).toBe(403);
    });
  });

  describe('bootstrap (the Kubernetes Job token)', () => {
    it('is enough to bootstrap a fresh Vault for phase 4, and no more', async () => {
      const fresh = await startVault();
      try {
        await fresh.root.sys.writePolicy('bootstrap', policyText('bootstrap'));
        const job = await fresh.root.auth.token.create({
          policies: ['bootstrap'],
          ttl: '15m',
        });
        const result = await bootstrapVault({
          vaultAddr: fresh.server.address,
          token: job.clientToken,
          phase: 4,
          outDir: fresh.outDir,
          agentClientId: CLIENT_ID,
        });
        expect(result.changed).toBe(true);
        const asJob = fresh.root.withToken(job.clientToken);
        expect(
          await attempt(() => asJob.kvV2('secret').read('tenants/acme/seed')),
        ).toBe(403);
        expect(
          await attempt(() =>
            asJob.sys.writePolicy(
              'other',
              'path "*" { capabilities = ["read"] }',
            ),
          ),
        ).toBe(403);
        expect(
          await attempt(() =>
            asJob.sys.enableAuthMethod('github', { type: 'userpass' }),
          ),
        ).toBe(403);
        expect(
          await attempt(() => asJob.auth.token.create({ policies: ['root'] })),
        ).toBe(403);
      } finally {
        await fresh.stop();
      }
    });
  });
});
