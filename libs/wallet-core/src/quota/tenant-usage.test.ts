import { isAppError } from '@secret-flows/contracts';
import { createFakeKv } from '../testing';
import { createWalletCore } from '../wallet-core';

const QUOTAS = { secrets: 3, keys: 2, valueBytes: 100, totalBytes: 250 };

function setup() {
  const fake = createFakeKv();
  return {
    fake,
    wallet: createWalletCore({ kvMount: 'secret', quotas: QUOTAS }).forTenant(
      'acme',
      fake.kv,
    ),
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isAppError(err) ? err.code : `no AppError: ${String(err)}`;
}

describe('per-tenant quotas (attack 5)', () => {
  it('refuses the secret over the count, and counts a new version as no new secret', async () => {
    const { wallet } = setup();
    for (const name of ['a', 'b', 'c']) await wallet.secrets.put(name, 'v');
    await wallet.secrets.put('a', 'w'); // a new version of an existing secret
    expect(await codeOf(wallet.secrets.put('d', 'v'))).toBe(
      'quota_secrets_exceeded',
    );
    await wallet.secrets.delete('b');
    await expect(wallet.secrets.put('d', 'v')).resolves.toMatchObject({
      version: 1,
    });
  });

  it('refuses a value over the size quota and the write that would pass the total', async () => {
    const { wallet } = setup();
    expect(await codeOf(wallet.secrets.put('big', 'x'.repeat(101)))).toBe(
      'quota_value_bytes_exceeded',
    );
    await wallet.secrets.put('one', 'x'.repeat(100));
    await wallet.secrets.put('two', 'x'.repeat(100));
    expect(await codeOf(wallet.secrets.put('three', 'x'.repeat(51)))).toBe(
      'quota_total_bytes_exceeded',
    );
    // Replacing a value counts only the difference.
    await wallet.secrets.put('one', 'x'.repeat(10));
    await expect(
      wallet.secrets.put('three', 'x'.repeat(100)),
    ).resolves.toMatchObject({ version: 1 });
  });

  it('refuses the key over the count until one is deleted', async () => {
    const { wallet } = setup();
    const first = await wallet.keys.create('Ed25519');
    await wallet.keys.create('P-256');
    expect(await codeOf(wallet.keys.create('Ed25519'))).toBe(
      'quota_keys_exceeded',
    );
    await wallet.keys.delete(first.id);
    await expect(wallet.keys.create('Ed25519')).resolves.toMatchObject({
      type: 'Ed25519',
    });
  });

  it('keeps tenants apart: one tenant at its quota does not limit another', async () => {
    const fake = createFakeKv();
    const core = createWalletCore({ kvMount: 'secret', quotas: QUOTAS });
    for (const name of ['a', 'b', 'c'])
      await core.forTenant('acme', fake.kv).secrets.put(name, 'v');
    expect(
      await codeOf(core.forTenant('acme', fake.kv).secrets.put('d', 'v')),
    ).toBe('quota_secrets_exceeded');
    await expect(
      core.forTenant('bravo', fake.kv).secrets.put('d', 'v'),
    ).resolves.toMatchObject({ version: 1 });
  });
});
