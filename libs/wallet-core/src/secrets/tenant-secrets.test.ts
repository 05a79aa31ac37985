import { isAppError } from '@secret-flows/contracts';
import { createFakeKv } from '../testing';
import { createWalletCore } from '../wallet-core';

function setup() {
  const fake = createFakeKv();
  return {
    fake,
    secrets: createWalletCore({ kvMount: 'secret' }).forTenant('acme', fake.kv)
      .secrets,
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

describe('tenant secrets', () => {
  it('writes versions and reads the latest or a given one', async () => {
    const { secrets } = setup();
    expect(await secrets.put('db/password', 'one')).toEqual({
      name: 'db/password',
      version: 1,
    });
    expect(await secrets.put('db/password', 'two')).toEqual({
      name: 'db/password',
      version: 2,
    });

    expect(await secrets.get('db/password')).toMatchObject({
      name: 'db/password',
      value: 'two',
      version: 2,
    });
    expect(await secrets.get('db/password', 1)).toMatchObject({
      value: 'one',
      version: 1,
    });
    expect((await secrets.get('db/password')).createdAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
  });

  it('stores the value under the tenant secrets folder in the Identus shape', async () => {
    const { secrets, fake } = setup();
    await secrets.put('link-secret/1', 'v');
    expect(fake.paths()).toEqual(['tenants/acme/secrets/link-secret/1']);
    expect(fake.raw('tenants/acme/secrets/link-secret/1')).toEqual({
      value: 'v',
    });
  });

  it('creates with cas 0 only when the secret does not exist yet', async () => {
    const { secrets } = setup();
    await secrets.put('api-key', 'first', 0);
    const err = await rejection(secrets.put('api-key', 'second', 0));
    expect(err).toMatchObject({ code: 'conflict', status: 409 });
    expect((await secrets.get('api-key')).value).toBe('first');
  });

  it('updates with cas N only when N is the current version', async () => {
    const { secrets } = setup();
    await secrets.put('api-key', 'v1');
    await secrets.put('api-key', 'v2', 1);
    expect((await rejection(secrets.put('api-key', 'stale', 1))).code).toBe(
      'conflict',
    );
    expect((await secrets.get('api-key')).version).toBe(2);
  });

  it('answers not_found for an absent secret and for an absent version', async () => {
    const { secrets } = setup();
    expect((await rejection(secrets.get('nope'))).code).toBe('not_found');
    await secrets.put('there', 'x');
    expect((await rejection(secrets.get('there', 5))).detail).toBe(
      'Secret version not found.',
    );
  });

  it('lists names recursively, including names with slashes', async () => {
    const { secrets } = setup();
    for (const name of ['z', 'a/b/c', 'a/d', 'credential-definitions/7'])
      await secrets.put(name, 'v');
    expect(await secrets.list()).toEqual({
      names: ['a/b/c', 'a/d', 'credential-definitions/7', 'z'],
    });
  });

  it('pages through names in sorted order, each page within its limit and its Vault calls', async () => {
    const fake = createFakeKv();
    let calls = 0;
    const kv = {
      ...fake.kv,
      list: (path: string) => (calls++, fake.kv.list(path)),
    };
    const secrets = createWalletCore({
      kvMount: 'secret',
      listMaxCalls: 20,
    }).forTenant('acme', kv).secrets;
    // Attack 2's shape: many names, each down its own chain of 15 folders, plus shallow ones.
    const names: string[] = [];
    for (let i = 0; i < 30; i++)
      names.push(
        `deep${i % 7}/${Array.from({ length: 14 }, (_, d) => `f${i}-${d}`).join('/')}/leaf`,
      );
    for (let i = 0; i < 40; i++)
      names.push(`flat-${String(i).padStart(2, '0')}`, `a.b-${i}`, `a_${i}/x`);
    for (const name of names) await secrets.put(name, 'v');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      calls = 0;
      const page = await secrets.list({ limit: 25, cursor });
      expect(calls).toBeLessThanOrEqual(20);
      expect(page.names.length).toBeLessThanOrEqual(25);
      seen.push(...page.names);
      cursor = page.next;
      pages++;
    } while (cursor !== undefined && pages < 1000);
    expect(seen).toEqual([...names].sort());
  });

  it('keeps the unpaginated call within the default page and says where the next starts', async () => {
    const { secrets } = setup();
    for (let i = 0; i < 120; i++)
      await secrets.put(`s${String(i).padStart(3, '0')}`, 'v');
    const first = await secrets.list();
    expect(first.names).toHaveLength(100);
    expect(first.next).toEqual(expect.any(String));
    const second = await secrets.list({ cursor: first.next });
    expect(second).toEqual({
      names: Array.from(
        { length: 20 },
        (_, i) => `s${String(100 + i).padStart(3, '0')}`,
      ),
    });
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    const { secrets } = setup();
    for (const cursor of [
      '..',
      Buffer.from('../x').toString('base64url'),
      Buffer.from('a//b').toString('base64url'),
      'YQ=',
    ]) {
      expect((await rejection(secrets.list({ cursor }))).code).toBe(
        'validation_failed',
      );
    }
    for (const limit of [0, 1001, 1.5])
      expect((await rejection(secrets.list({ limit }))).code).toBe(
        'validation_failed',
      );
  });

  it('stops listing as soon as the signal aborts, making no further Vault call', async () => {
    const fake = createFakeKv();
    const controller = new AbortController();
    let calls = 0;
    const kv = {
      ...fake.kv,
      list: (path: string) => {
        if (++calls === 3) controller.abort(new Error('client went away'));
        return fake.kv.list(path);
      },
    };
    const secrets = createWalletCore({ kvMount: 'secret' }).forTenant(
      'acme',
      kv,
    ).secrets;
    for (let i = 0; i < 5; i++) await secrets.put(`d${i}/e/f/g`, 'v');
    await expect(secrets.list({ signal: controller.signal })).rejects.toThrow(
      'client went away',
    );
    expect(calls).toBe(3);
  });

  it('deletes every version of a secret', async () => {
    const { secrets, fake } = setup();
    await secrets.put('gone', 'v1');
    await secrets.put('gone', 'v2');
    await secrets.delete('gone');

    expect(fake.paths()).toEqual([]);
    expect((await rejection(secrets.get('gone', 1))).code).toBe('not_found');
    expect((await rejection(secrets.delete('gone'))).code).toBe('not_found');
    expect(await secrets.put('gone', 'again', 0)).toEqual({
      name: 'gone',
      version: 1,
    });
  });

  it.each([
    '../seed',
    'a/../../other/secrets/x',
    '/abs',
    'a//b',
    'a\u0000',
    'x'.repeat(300),
  ])('refuses the name %j without touching Vault', async (name) => {
    const { secrets, fake } = setup();
    expect((await rejection(secrets.put(name, 'v'))).code).toBe(
      'validation_failed',
    );
    expect((await rejection(secrets.get(name))).code).toBe('validation_failed');
    expect((await rejection(secrets.delete(name))).code).toBe(
      'validation_failed',
    );
    expect(fake.callCount()).toBe(0);
  });

  it('refuses values over the size limit and negative cas', async () => {
    const { secrets } = setup();
    expect(
      (await rejection(secrets.put('big', 'x'.repeat(64 * 1024 + 1)))).code,
    ).toBe('validation_failed');
    expect((await rejection(secrets.put('neg', 'v', -1))).code).toBe(
      'validation_failed',
    );
    expect((await rejection(secrets.get('neg', 0))).code).toBe(
      'validation_failed',
    );
  });

  it('turns a Vault outage into vault_unavailable on every operation', async () => {
    const { secrets, fake } = setup();
    await secrets.put('x', 'v');
    fake.down();
    for (const op of [
      secrets.put('x', 'w'),
      secrets.get('x'),
      secrets.list(),
      secrets.delete('x'),
    ]) {
      expect(await rejection(op)).toMatchObject({
        code: 'vault_unavailable',
        retryAfterSeconds: 2,
      });
    }
    fake.up();
    expect((await secrets.get('x')).value).toBe('v');
  });
});
