import {
  VaultError,
  type Backend,
  type BackendResponse,
} from '../../core/backend';
import {
  backendRequest as rq,
  createFakeCore,
  type FakeCore,
} from '../../../test/fakes/fake-core-services';
import { createAppRoleBackend } from './approle.backend';

const mount = {
  path: 'auth/approle/',
  accessor: 'auth_approle_1a2b3c4d',
  options: {},
};

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VaultError) return e;
    throw e;
  }
  throw new Error('expected a VaultError');
}

function dataOf(res: BackendResponse): Record<string, unknown> {
  if (res.kind !== 'data') throw new Error(`expected data, got ${res.kind}`);
  return res.data;
}

describe('AppRole auth method', () => {
  let core: FakeCore;
  let backend: Backend;

  beforeEach(() => {
    core = createFakeCore();
    backend = createAppRoleBackend(core, mount);
  });

  async function setUp(role: Record<string, unknown> = {}) {
    await backend.handle(
      rq('create', 'role/wallet', {
        token_policies: 'wallet',
        token_ttl: '1h',
        token_max_ttl: '4h',
        ...role,
      }),
    );
    const roleId = dataOf(
      await backend.handle(rq('read', 'role/wallet/role-id')),
    ).role_id as string;
    return roleId;
  }

  async function newSecretId(body: Record<string, unknown> = {}) {
    return dataOf(
      await backend.handle(rq('update', 'role/wallet/secret-id', body)),
    );
  }

  it('stores a role and reads back every field in seconds (checklist 60, 61)', async () => {
    const res = await backend.handle(
      rq('create', 'role/wallet', {
        token_policies: ['wallet', 'audit'],
        token_ttl: '1h',
        token_max_ttl: 14400,
        secret_id_ttl: '10m',
        secret_id_num_uses: 3,
      }),
    );
    expect(res).toEqual({ kind: 'empty' });
    expect(dataOf(await backend.handle(rq('read', 'role/wallet')))).toEqual({
      bind_secret_id: true,
      local_secret_ids: false,
      secret_id_bound_cidrs: [],
      secret_id_num_uses: 3,
      secret_id_ttl: 600,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 14400,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['wallet', 'audit'],
      token_strictly_bind_ip: false,
      token_ttl: 3600,
      token_type: 'default',
    });
  });

  it('treats role names case-insensitively (checklist 77)', async () => {
    await backend.handle(rq('create', 'role/Wallet', { token_policies: 'x' }));
    expect(
      dataOf(await backend.handle(rq('read', 'role/wallet'))).token_policies,
    ).toEqual(['x']);
    expect(backend.exists?.('role/WALLET')).toBe(true);
    expect(dataOf(await backend.handle(rq('list', 'role/')))).toEqual({
      keys: ['wallet'],
    });
  });

  it('answers a missing role read with an empty 404', async () => {
    const err = await failure(backend.handle(rq('read', 'role/nope')));
    expect([err.status, err.errors]).toEqual([404, []]);
  });

  it('keeps the role_id stable across updates and honours a custom role_id (checklist 62)', async () => {
    const roleId = await setUp();
    expect(roleId).toMatch(/^[0-9a-f-]{36}$/);
    await backend.handle(rq('update', 'role/wallet', { token_ttl: '2h' }));
    expect(
      dataOf(await backend.handle(rq('read', 'role/wallet/role-id'))).role_id,
    ).toBe(roleId);
    await backend.handle(
      rq('update', 'role/wallet/role-id', { role_id: 'my-role-id' }),
    );
    const { secret_id } = await newSecretId();
    const res = await backend.handle(
      rq('update', 'login', { role_id: 'my-role-id', secret_id }),
    );
    expect(res.kind).toBe('login');
  });

  it('rejects a role without any constraint', async () => {
    const err = await failure(
      backend.handle(rq('create', 'role/open', { bind_secret_id: false })),
    );
    expect(err.status).toBe(500);
    expect(err.errors[0]).toContain(
      'at least one constraint should be enabled on the role',
    );
  });

  it('issues a secret ID with its accessor, ttl and uses (checklist 63)', async () => {
    await setUp({ secret_id_ttl: '10m', secret_id_num_uses: 5 });
    const data = await newSecretId();
    expect(data).toEqual({
      secret_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      secret_id_accessor: expect.stringMatching(/^[0-9a-f-]{36}$/),
      secret_id_ttl: 600,
      secret_id_num_uses: 5,
    });
  });

  it.each([
    [
      { num_uses: 9 },
      "num_uses cannot be higher than the role's secret_id_num_uses",
    ],
    [
      { num_uses: 0 },
      "num_uses cannot be higher than the role's secret_id_num_uses",
    ],
    [{ num_uses: -1 }, 'num_uses cannot be negative'],
    [{ ttl: '1h' }, "ttl cannot be longer than the role's secret_id_ttl"],
    [{ ttl: 0 }, "ttl cannot be longer than the role's secret_id_ttl"],
  ])(
    'refuses secret-ID options %j beyond the role limits (checklist 71)',
    async (body, message) => {
      await setUp({ secret_id_ttl: '10m', secret_id_num_uses: 5 });
      const err = await failure(newSecretId(body));
      expect([err.status, err.errors]).toEqual([400, [message]]);
    },
  );

  it('caps a secret-ID ttl above the mount maximum and shows the cap (checklist 71)', async () => {
    await setUp();
    expect((await newSecretId({ ttl: '1000h' })).secret_id_ttl).toBe(2_764_800);
  });

  it('answers secret-ID generation for a missing role with 404 (checklist 74)', async () => {
    const err = await failure(
      backend.handle(rq('update', 'role/ghost/secret-id')),
    );
    expect([err.status, err.errors]).toEqual([
      404,
      ['role "ghost" does not exist'],
    ]);
  });

  it('logs in with role_id and secret_id and returns the auth block (checklist 64, 65)', async () => {
    const roleId = await setUp();
    const { secret_id } = await newSecretId({ metadata: '{"team":"wallet"}' });
    const res = await backend.handle(
      rq('update', 'login', { role_id: roleId, secret_id }),
    );
    expect(res).toEqual({
      kind: 'login',
      login: {
        policies: ['wallet'],
        metadata: { team: 'wallet', role_name: 'wallet' },
        ttlSeconds: 3600,
        maxTtlSeconds: 14400,
        renewable: true,
        tokenType: 'service',
        noDefaultPolicy: false,
        displayName: 'approle',
        alias: {
          name: roleId,
          metadata: { team: 'wallet', role_name: 'wallet' },
        },
      },
    });
    expect(backend.unauthenticatedPaths).toContain('login');
  });

  it('leaves the TTL unset for the core to apply the mount default when the role has no token_ttl (checklist 65)', async () => {
    await backend.handle(rq('create', 'role/plain', { token_policies: 'p' }));
    const roleId = dataOf(
      await backend.handle(rq('read', 'role/plain/role-id')),
    ).role_id;
    const { secret_id } = dataOf(
      await backend.handle(rq('update', 'role/plain/secret-id')),
    );
    const res = await backend.handle(
      rq('update', 'login', { role_id: roleId, secret_id }),
    );
    expect(
      res.kind === 'login' && [res.login.ttlSeconds, res.login.maxTtlSeconds],
    ).toEqual([0, 0]);
  });

  it.each([
    [{ role_id: '' }, 'missing role_id'],
    [{ role_id: 'unknown', secret_id: 'x' }, 'invalid role or secret ID'],
    [{ secret_id: 'wrong' }, 'invalid role or secret ID'],
    [{ secret_id: '' }, 'missing secret_id'],
  ])(
    'refuses login %j with a 400 (checklist 66, 67)',
    async (body, message) => {
      const roleId = await setUp();
      await newSecretId();
      const err = await failure(
        backend.handle(rq('update', 'login', { role_id: roleId, ...body })),
      );
      expect([err.status, err.errors]).toEqual([400, [message]]);
    },
  );

  it('spends secret-ID uses and refuses the login after the last one (checklist 68)', async () => {
    const roleId = await setUp();
    const { secret_id } = await newSecretId({ num_uses: 2 });
    await backend.handle(rq('update', 'login', { role_id: roleId, secret_id }));
    const lookup = dataOf(
      await backend.handle(
        rq('update', 'role/wallet/secret-id/lookup', { secret_id }),
      ),
    );
    expect(lookup.secret_id_num_uses).toBe(1);
    await backend.handle(rq('update', 'login', { role_id: roleId, secret_id }));
    const err = await failure(
      backend.handle(rq('update', 'login', { role_id: roleId, secret_id })),
    );
    expect(err.errors).toEqual(['invalid role or secret ID']);
  });

  it('refuses a secret ID at its expiration time without any grace window (checklist 69)', async () => {
    const roleId = await setUp();
    const { secret_id } = await newSecretId({ ttl: 60 });
    core.advance(59_999);
    expect(
      (
        await backend.handle(
          rq('update', 'login', { role_id: roleId, secret_id }),
        )
      ).kind,
    ).toBe('login');
    core.advance(1);
    const err = await failure(
      backend.handle(rq('update', 'login', { role_id: roleId, secret_id })),
    );
    expect(err.errors).toEqual(['invalid role or secret ID']);
  });

  it('looks a secret ID up by value and accessor, and answers unknown ones as Vault does (checklist 72)', async () => {
    await setUp();
    const { secret_id, secret_id_accessor } = await newSecretId({
      metadata: 'a=1,b=2',
      cidr_list: '127.0.0.0/8',
    });
    const byValue = dataOf(
      await backend.handle(
        rq('update', 'role/wallet/secret-id/lookup', { secret_id }),
      ),
    );
    expect(byValue).toMatchObject({
      secret_id_accessor,
      metadata: { a: '1', b: '2' },
      cidr_list: ['127.0.0.0/8'],
      expiration_time: '0001-01-01T00:00:00Z',
      creation_time: '2026-01-01T12:00:00Z',
      secret_id_num_uses: 0,
      secret_id_ttl: 0,
      token_bound_cidrs: [],
    });
    const byAccessor = dataOf(
      await backend.handle(
        rq('update', 'role/wallet/secret-id-accessor/lookup', {
          secret_id_accessor,
        }),
      ),
    );
    expect(byAccessor).toEqual(byValue);
    expect(
      await backend.handle(
        rq('update', 'role/wallet/secret-id/lookup', { secret_id: 'nope' }),
      ),
    ).toEqual({ kind: 'empty' });
    const unknown = await backend.handle(
      rq('update', 'role/wallet/secret-id-accessor/lookup', {
        secret_id_accessor: 'x',
      }),
    );
    expect(unknown).toEqual({
      kind: 'data',
      status: 404,
      data: {
        error: 'failed to find accessor entry for secret_id_accessor: "x"',
      },
    });
  });

  it('destroys secret IDs by value and by accessor so they no longer log in (checklist 73)', async () => {
    const roleId = await setUp();
    const first = await newSecretId();
    const second = await newSecretId();
    expect(
      dataOf(await backend.handle(rq('list', 'role/wallet/secret-id/'))).keys,
    ).toHaveLength(2);
    await backend.handle(
      rq('update', 'role/wallet/secret-id/destroy', {
        secret_id: first.secret_id,
      }),
    );
    await backend.handle(
      rq('update', 'role/wallet/secret-id-accessor/destroy', {
        secret_id_accessor: second.secret_id_accessor,
      }),
    );
    for (const { secret_id } of [first, second]) {
      const err = await failure(
        backend.handle(rq('update', 'login', { role_id: roleId, secret_id })),
      );
      expect(err.errors).toEqual(['invalid role or secret ID']);
    }
    expect(
      (await failure(backend.handle(rq('list', 'role/wallet/secret-id/'))))
        .status,
    ).toBe(404);
  });

  it('enforces CIDR bindings of the secret ID and of the role', async () => {
    const roleId = await setUp({ secret_id_bound_cidrs: ['10.0.0.0/8'] });
    const { secret_id } = await newSecretId({ cidr_list: '10.1.0.0/16' });
    const outside = await failure(
      backend.handle(
        rq(
          'update',
          'login',
          { role_id: roleId, secret_id },
          { remoteAddress: '10.2.0.1' },
        ),
      ),
    );
    expect(outside.errors).toEqual([
      'source address "10.2.0.1" unauthorized by CIDR restrictions on the secret ID',
    ]);
    const ok = await backend.handle(
      rq(
        'update',
        'login',
        { role_id: roleId, secret_id },
        { remoteAddress: '::ffff:10.1.2.3' },
      ),
    );
    expect(ok.kind).toBe('login');
    const tooWide = await failure(newSecretId({ cidr_list: '0.0.0.0/0' }));
    expect(tooWide.status).toBe(400);
  });

  it('never keeps a usable secret_id in its persisted state', async () => {
    await setUp();
    const { secret_id } = await newSecretId();
    expect(JSON.stringify(core.state(() => ({})))).not.toContain(
      secret_id as string,
    );
    expect(core.persistCount()).toBeGreaterThan(0);
  });

  it('reads, updates and resets single role fields through their own paths', async () => {
    await setUp();
    expect(
      dataOf(await backend.handle(rq('read', 'role/wallet/token-ttl'))),
    ).toEqual({ token_ttl: 3600 });
    await backend.handle(
      rq('update', 'role/wallet/token-ttl', { token_ttl: '30m' }),
    );
    expect(
      dataOf(await backend.handle(rq('read', 'role/wallet'))).token_ttl,
    ).toBe(1800);
    await backend.handle(
      rq('update', 'role/wallet/policies', { policies: 'a,b' }),
    );
    expect(
      dataOf(await backend.handle(rq('read', 'role/wallet/policies'))),
    ).toEqual({ token_policies: ['a', 'b'], policies: ['a', 'b'] });
    await backend.handle(rq('delete', 'role/wallet/secret-id-num-uses'));
    expect(
      dataOf(
        await backend.handle(rq('read', 'role/wallet/secret-id-num-uses')),
      ),
    ).toEqual({ secret_id_num_uses: 0 });
    expect(
      (
        await failure(
          backend.handle(
            rq('update', 'role/ghost/token-ttl', { token_ttl: 1 }),
          ),
        )
      ).status,
    ).toBe(404);
    expect(
      (await failure(backend.handle(rq('update', 'role/wallet/token-ttl', {}))))
        .errors,
    ).toEqual(['missing token_ttl']);
  });

  it('routes unknown paths to 404 and unsupported operations to 405', async () => {
    expect((await failure(backend.handle(rq('read', 'nope')))).status).toBe(
      404,
    );
    const err = await failure(backend.handle(rq('delete', 'login')));
    expect(err.status).toBe(405);
    expect(err.errors[0]).toContain('unsupported operation');
  });
});
