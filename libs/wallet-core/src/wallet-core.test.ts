import { isAppError } from '@secret-flows/contracts';
import { createFakeKv } from './testing';
import { createWalletCore } from './wallet-core';

describe('createWalletCore', () => {
  it("keeps tenants apart: one tenant cannot see or reach another tenant's data", async () => {
    const fake = createFakeKv();
    const core = createWalletCore({ kvMount: 'secret' });
    const alice = core.forTenant('alice', fake.kv);
    const bob = core.forTenant('bob', fake.kv);

    const key = await alice.keys.create('Ed25519');
    await alice.secrets.put('shared-name', 'alice value');

    expect(await bob.keys.list()).toEqual([]);
    expect((await bob.secrets.list()).names).toEqual([]);
    await expect(bob.keys.get(key.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(bob.keys.sign(key.id, Buffer.from('x'))).rejects.toMatchObject(
      { code: 'not_found' },
    );
    await expect(bob.secrets.get('shared-name')).rejects.toMatchObject({
      code: 'not_found',
    });
    await bob.secrets.put('shared-name', 'bob value');
    expect((await alice.secrets.get('shared-name')).value).toBe('alice value');
  });

  it.each(['', '..', 'a/b', 'x'.repeat(129), 'tenant id'])(
    'refuses the tenant id %j',
    (tenantId) => {
      let caught: unknown;
      try {
        createWalletCore({ kvMount: 'secret' }).forTenant(
          tenantId,
          createFakeKv().kv,
        );
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught) && caught.code).toBe('validation_failed');
    },
  );

  it('opens the configured mount when given a client', async () => {
    const fake = createFakeKv();
    const mounts: string[] = [];
    const wallet = createWalletCore({ kvMount: 'tenant-kv' }).forClient(
      'acme',
      {
        kvV2: (mount: string) => {
          mounts.push(mount);
          return fake.kv as never;
        },
      },
    );
    await wallet.secrets.put('a', 'b');
    expect(mounts).toEqual(['tenant-kv']);
  });

  it.each(['', '/secret', '../x', 'a//b'])(
    'refuses the mount %j',
    (kvMount) => {
      expect(() => createWalletCore({ kvMount })).toThrow(/kvMount/);
    },
  );

  it('destroys everything a tenant has and nothing of other tenants', async () => {
    const fake = createFakeKv();
    const core = createWalletCore({ kvMount: 'secret' });
    const doomed = core.forTenant('doomed', fake.kv);
    const other = core.forTenant('doomed-not', fake.kv);
    await doomed.seed.ensure();
    await doomed.keys.create('P-256');
    await doomed.secrets.put('a/b', 'v');
    await other.secrets.put('keep', 'v');

    expect(await doomed.destroyAll()).toBe(3);
    expect(fake.paths()).toEqual(['tenants/doomed-not/secrets/keep']);
  });
});
