import { isCasMismatch, type KvV2Api } from '../../src/index';
import { startVault, type TestVault } from './harness';

describe('kvV2 against vault-dev', () => {
  let vault: TestVault;
  let kv: KvV2Api;
  beforeAll(async () => {
    vault = await startVault();
    kv = vault.root.kvV2('secret');
  });
  afterAll(() => vault.stop());

  it('writes, reads back nested data and bumps versions', async () => {
    const v1 = await kv.write('tenants/t1/secrets/a', {
      value: 'one',
      nested: { n: 1 },
    });
    const v2 = await kv.write('tenants/t1/secrets/a', { value: 'two' });
    expect(v1.version).toBe(1);
    expect(v2.version).toBe(2);
    expect(v2.createdTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await kv.read('tenants/t1/secrets/a')).toMatchObject({
      data: { value: 'two' },
      metadata: { version: 2, destroyed: false, deletionTime: '' },
    });
    expect(
      (await kv.read('tenants/t1/secrets/a', { version: 1 }))?.data,
    ).toEqual({ value: 'one', nested: { n: 1 } });
  });

  it('answers undefined for a path that was never written or a version that does not exist', async () => {
    expect(await kv.read('tenants/t1/never')).toBeUndefined();
    expect(
      await kv.read('tenants/t1/secrets/a', { version: 99 }),
    ).toBeUndefined();
  });

  it('creates only once with cas 0 and reports the lost race as a CAS mismatch', async () => {
    await kv.write('tenants/t1/seed', { seed: 'abc' }, { cas: 0 });
    const error = await kv
      .write('tenants/t1/seed', { seed: 'other' }, { cas: 0 })
      .catch((e: unknown) => e);
    expect(isCasMismatch(error)).toBe(true);
    expect((error as Error).message).not.toContain('other');
    expect((await kv.read('tenants/t1/seed'))?.data).toEqual({ seed: 'abc' });
  });

  it('patches the current version', async () => {
    await kv.write('tenants/t1/p', { a: 1, b: 2 });
    expect((await kv.patch('tenants/t1/p', { b: 3 })).version).toBe(2);
    expect((await kv.read('tenants/t1/p'))?.data).toEqual({ a: 1, b: 3 });
  });

  it('treats soft-deleted and destroyed versions as absent, and undeletes', async () => {
    await kv.write('tenants/t1/d', { v: 1 });
    await kv.delete('tenants/t1/d');
    expect(await kv.read('tenants/t1/d')).toBeUndefined();
    await kv.undelete('tenants/t1/d', [1]);
    expect((await kv.read('tenants/t1/d'))?.data).toEqual({ v: 1 });
    await kv.write('tenants/t1/d', { v: 2 });
    await kv.deleteVersions('tenants/t1/d', [2]);
    expect(await kv.read('tenants/t1/d')).toBeUndefined();
    await kv.destroy('tenants/t1/d', [1]);
    expect(await kv.read('tenants/t1/d', { version: 1 })).toBeUndefined();
    expect(
      (await kv.readMetadata('tenants/t1/d'))?.versions['1'],
    ).toMatchObject({ destroyed: true });
  });

  it('lists immediate children with folders, and [] for an empty prefix', async () => {
    await kv.write('tenants/t2/keys/k1', { x: 1 });
    await kv.write('tenants/t2/seed', { x: 1 });
    expect((await kv.list('tenants/t2')).sort()).toEqual(['keys/', 'seed']);
    expect(await kv.list('tenants/nobody')).toEqual([]);
  });

  it('reads and writes metadata, and deleting metadata removes every version', async () => {
    await kv.write('tenants/t3/m', { x: 1 });
    await kv.writeMetadata('tenants/t3/m', {
      maxVersions: 3,
      customMetadata: { owner_team: 'wallet' },
    });
    const meta = await kv.readMetadata('tenants/t3/m');
    expect(meta).toMatchObject({
      maxVersions: 3,
      currentVersion: 1,
      customMetadata: { owner_team: 'wallet' },
    });
    await kv.deleteMetadata('tenants/t3/m');
    expect(await kv.readMetadata('tenants/t3/m')).toBeUndefined();
    expect(await kv.read('tenants/t3/m')).toBeUndefined();
  });

  it('keeps secret names with special characters intact', async () => {
    await kv.write('tenants/t4/secrets/a b+c', { v: 'x' });
    expect((await kv.read('tenants/t4/secrets/a b+c'))?.data).toEqual({
      v: 'x',
    });
    expect(await kv.list('tenants/t4/secrets')).toEqual(['a b+c']);
  });

  it('reads the engine config', async () => {
    expect(await kv.readConfig()).toMatchObject({
      casRequired: false,
      maxVersions: 0,
    });
  });
});
