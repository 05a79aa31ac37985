import { isAppError } from '@secret-flows/contracts';
import { createFakeKv } from '../testing';
import { createWalletCore } from '../wallet-core';

function setup(randomBytes?: (n: number) => Buffer) {
  const fake = createFakeKv();
  return {
    fake,
    seed: createWalletCore({ kvMount: 'secret', randomBytes }).forTenant(
      'acme',
      fake.kv,
    ).seed,
  };
}

async function rejection(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err))
    throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('tenant seed', () => {
  it('generates 64 random bytes once and keeps them on later calls', async () => {
    const { seed, fake } = setup(() => Buffer.alloc(64, 7));
    expect(await seed.exists()).toBe(false);
    expect(await seed.ensure()).toEqual({ created: true });
    expect(await seed.ensure()).toEqual({ created: false });

    expect(await seed.exists()).toBe(true);
    expect(fake.raw('tenants/acme/seed')).toEqual({ value: '07'.repeat(64) });
  });

  it('imports a given seed and accepts the same seed again', async () => {
    const { seed, fake } = setup();
    const imported = Buffer.alloc(64, 0xab);
    expect(await seed.ensure(imported)).toEqual({ created: true });
    expect(await seed.ensure(Buffer.from(imported))).toEqual({
      created: false,
    });
    expect(fake.raw('tenants/acme/seed')).toEqual({ value: 'ab'.repeat(64) });
  });

  it('refuses to replace an existing seed with a different one', async () => {
    const { seed, fake } = setup();
    await seed.ensure(Buffer.alloc(64, 1));
    expect((await rejection(seed.ensure(Buffer.alloc(64, 2)))).code).toBe(
      'conflict',
    );
    expect(fake.raw('tenants/acme/seed')).toEqual({ value: '01'.repeat(64) });
  });

  it('creates exactly one seed when many callers race', async () => {
    let n = 0;
    const { seed, fake } = setup(() => Buffer.alloc(64, ++n));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => seed.ensure()),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(fake.raw('tenants/acme/seed')).toEqual({ value: '01'.repeat(64) });
  });

  it.each([0, 32, 65])('refuses an imported seed of %i bytes', async (size) => {
    const err = await rejection(setup().seed.ensure(Buffer.alloc(size)));
    expect(err.code).toBe('validation_failed');
  });

  it('reports an outage as vault_unavailable', async () => {
    const { seed, fake } = setup();
    fake.down();
    expect((await rejection(seed.ensure())).code).toBe('vault_unavailable');
    expect((await rejection(seed.exists())).code).toBe('vault_unavailable');
  });
});
