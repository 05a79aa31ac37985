import { isNotFound, isPermissionDenied } from '../../src/index';
import { startVault, tokenWith, type TestVault } from './harness';

describe('sys and generic calls against vault-dev', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startVault();
  });
  afterAll(() => vault.stop());

  it('reports health as data without a token', async () => {
    expect(await vault.root.sys.health()).toMatchObject({
      status: 200,
      initialized: true,
      sealed: false,
      standby: false,
    });
  });

  it('enables a secrets engine once and reports an existing one as unchanged', async () => {
    expect(
      await vault.root.sys.enableSecretsEngine('transit', { type: 'transit' }),
    ).toEqual({ changed: true });
    expect(
      await vault.root.sys.enableSecretsEngine('transit', { type: 'transit' }),
    ).toEqual({ changed: false });
    expect(
      await vault.root.sys.enableSecretsEngine('secret', { type: 'kv-v2' }),
    ).toEqual({ changed: false });
    await expect(
      vault.root.sys.enableSecretsEngine('secret', { type: 'transit' }),
    ).rejects.toThrow(/already in use/);
    expect((await vault.root.sys.listMounts())['transit/']).toMatchObject({
      type: 'transit',
      accessor: expect.stringMatching(/^transit_/),
    });
  });

  it('enables auth methods idempotently and exposes their accessors', async () => {
    expect(
      await vault.root.sys.enableAuthMethod('approle', { type: 'approle' }),
    ).toEqual({ changed: true });
    expect(
      await vault.root.sys.enableAuthMethod('approle', { type: 'approle' }),
    ).toEqual({ changed: false });
    expect(await vault.root.sys.authAccessor('approle')).toMatch(
      /^auth_approle_[0-9a-f]{8}$/,
    );
    expect(await vault.root.sys.authAccessor('nope')).toBeUndefined();
  });

  it('writes, reads, lists and deletes policies', async () => {
    const text = 'path "secret/data/app" {\n  capabilities = ["read"]\n}\n';
    await vault.root.sys.writePolicy('app-reader', text);
    expect(await vault.root.sys.readPolicy('app-reader')).toBe(text);
    expect(await vault.root.sys.listPolicies()).toEqual(
      expect.arrayContaining(['app-reader', 'default']),
    );
    await vault.root.sys.deletePolicy('app-reader');
    expect(await vault.root.sys.readPolicy('app-reader')).toBeUndefined();
  });

  it('reports the capabilities of the calling token', async () => {
    await vault.root.sys.writePolicy(
      'cap-test',
      'path "secret/data/app" {\n  capabilities = ["read", "list"]\n}\n',
    );
    const client = await tokenWith(vault, ['cap-test']);
    const caps = await client.sys.capabilitiesSelf([
      'secret/data/app',
      'secret/data/other',
    ]);
    expect(caps['secret/data/app'].sort()).toEqual(['list', 'read']);
    expect(caps['secret/data/other']).toEqual(['deny']);
  });

  it('does generic read, write, list and delete, with undefined and [] for absent paths', async () => {
    await vault.root.write('secret/data/generic/a', { data: { v: 1 } });
    expect(
      (await vault.root.read('secret/data/generic/a'))?.data,
    ).toMatchObject({ data: { v: 1 } });
    expect(await vault.root.list('secret/metadata/generic')).toEqual(['a']);
    await vault.root.delete('secret/metadata/generic/a');
    expect(await vault.root.read('secret/data/generic/a')).toBeUndefined();
    expect(await vault.root.list('secret/metadata/generic')).toEqual([]);
  });

  it('tells a missing capability (403) from an absent path (404)', async () => {
    const client = await tokenWith(vault, ['cap-test']);
    const denied = await client
      .kvV2('secret')
      .read('other')
      .catch((e: unknown) => e);
    expect(isPermissionDenied(denied)).toBe(true);
    const missing = await vault.root.sys
      .disableSecretsEngine('never-mounted')
      .then(
        () => 'ok',
        (e: unknown) => (isNotFound(e) ? 'not found' : 'other'),
      );
    expect(['ok', 'not found']).toContain(missing);
  });
});
