/**
 * Conformance: the AppRole auth method over HTTP (vault-api.md §4, §13 #60-#77, #95, #99).
 */
import {
  request,
  startTestVault,
  type TestVault,
  itDevOnly,
} from '../support/vault-http';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

describe('vault-dev AppRole', () => {
  let vault: TestVault;
  let accessor: string;

  const secretId = async (role = 'wallet', body?: unknown) => {
    const res = await vault.root$(
      'POST',
      `/v1/auth/approle/role/${role}/secret-id`,
      body,
    );
    if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    return res.json.data as {
      secret_id: string;
      secret_id_accessor: string;
      secret_id_ttl: number;
      secret_id_num_uses: number;
    };
  };
  const roleId = async (role = 'wallet') =>
    (await vault.root$('GET', `/v1/auth/approle/role/${role}/role-id`)).json
      .data.role_id as string;
  const login = (body: unknown) =>
    vault.call('POST', '/v1/auth/approle/login', { body });

  beforeAll(async () => {
    vault = await startTestVault();
    expect(
      (await vault.root$('POST', '/v1/sys/auth/approle', { type: 'approle' }))
        .status,
    ).toBe(204);
    accessor = (await vault.root$('GET', '/v1/sys/auth')).json.data['approle/']
      .accessor;
    await vault.root$('PUT', '/v1/sys/policies/acl/wallet', {
      policy: `path "secret/data/{{identity.entity.aliases.${accessor}.name}}/*" { capabilities = ["create", "read", "update"] }`,
    });
  });
  afterAll(() => vault.server.stop());

  it('[#60] [#61] writes a role with 204 and reads every field back in seconds', async () => {
    const put = await vault.root$('POST', '/v1/auth/approle/role/wallet', {
      token_policies: ['wallet'],
      token_ttl: '1h',
      token_max_ttl: '4h',
      secret_id_ttl: '10m',
      secret_id_num_uses: 0,
    });
    expect([put.status, put.text]).toEqual([204, '']);
    const read = await vault.root$('GET', '/v1/auth/approle/role/wallet');
    expect(read.json.data).toEqual({
      bind_secret_id: true,
      local_secret_ids: false,
      secret_id_bound_cidrs: [],
      secret_id_num_uses: 0,
      secret_id_ttl: 600,
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 14400,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['wallet'],
      token_strictly_bind_ip: false,
      token_ttl: 3600,
      token_type: 'default',
    });
    expect(read.json.mount_type).toBe('approle');
  });

  it('[#62] [#77] returns a stable role_id, for any spelling of the role name', async () => {
    const id = await roleId();
    expect(id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await roleId('WALLET')).toBe(id);
    expect(
      (await vault.root$('LIST', '/v1/auth/approle/role')).json.data.keys,
    ).toContain('wallet');
  });

  it('[#63] issues a secret_id for an empty POST body', async () => {
    const res = await vault.call(
      'POST',
      '/v1/auth/approle/role/wallet/secret-id',
      { token: vault.root },
    );
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({
      secret_id: expect.any(String),
      secret_id_accessor: expect.any(String),
      secret_id_ttl: 600,
      secret_id_num_uses: 0,
    });
  });

  it('[#64] [#65] [#70] [#99] logs in without a token and returns the §4 auth object; one entity per role', async () => {
    const id = await roleId();
    const first = await login({
      role_id: id,
      secret_id: (await secretId()).secret_id,
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      data: null,
      lease_duration: 0,
      renewable: false,
      wrap_info: null,
    });
    expect(first.json.auth).toEqual({
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.any(String),
      policies: ['default', 'wallet'],
      token_policies: ['default', 'wallet'],
      metadata: { role_name: 'wallet' },
      lease_duration: 3600,
      renewable: true,
      entity_id: expect.any(String),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    });
    const second = await login({
      role_id: id,
      secret_id: (await secretId()).secret_id,
    });
    expect(second.json.auth.entity_id).toBe(first.json.auth.entity_id);
    const entity = await vault.root$('POST', '/v1/identity/lookup/entity', {
      alias_name: id,
      alias_mount_accessor: accessor,
    });
    expect(entity.json.data).toMatchObject({
      id: first.json.auth.entity_id,
      aliases: [
        expect.objectContaining({
          name: id,
          mount_accessor: accessor,
          mount_type: 'approle',
        }),
      ],
    });
  });

  it('[#65] leases 768h when the role sets no token_ttl', async () => {
    await vault.root$('POST', '/v1/auth/approle/role/plain', {
      token_policies: 'x',
    });
    const res = await login({
      role_id: await roleId('plain'),
      secret_id: (await secretId('plain')).secret_id,
    });
    expect(res.json.auth.lease_duration).toBe(2_764_800);
  });

  it('[#95] templates the policy path with the approle alias name (the role_id)', async () => {
    const id = await roleId();
    const token = (
      await login({ role_id: id, secret_id: (await secretId()).secret_id })
    ).json.auth.client_token as string;
    const own = await vault.call('POST', `/v1/secret/data/${id}/a`, {
      token,
      body: { data: { v: 1 } },
    });
    expect(own.status).toBe(200);
    expect(
      (
        await vault.call('POST', '/v1/secret/data/someone-else/a', {
          token,
          body: { data: { v: 1 } },
        })
      ).status,
    ).toBe(403);
  });

  it.each([
    [{ role_id: '' }, 'missing role_id'],
    [{ role_id: 'nope', secret_id: 'x' }, 'invalid role or secret ID'],
    [{ secret_id: 'wrong' }, 'invalid role or secret ID'],
    [{ secret_id: '' }, 'missing secret_id'],
  ])('[#66] [#67] refuses the login %j with a 400', async (body, message) => {
    const res = await login({ role_id: await roleId(), ...body });
    expect([res.status, res.json]).toEqual([400, { errors: [message] }]);
  });

  it('[#68] lets a secret_id with num_uses 2 log in twice, not three times', async () => {
    const id = await roleId();
    const { secret_id } = await secretId('wallet', { num_uses: 2 });
    expect((await login({ role_id: id, secret_id })).status).toBe(200);
    expect((await login({ role_id: id, secret_id })).status).toBe(200);
    expect((await login({ role_id: id, secret_id })).json).toEqual({
      errors: ['invalid role or secret ID'],
    });
  });

  itDevOnly('[#69] rejects a secret_id at its expiration time', async () => {
    const id = await roleId();
    const { secret_id } = await secretId('wallet', { ttl: '60s' });
    vault.clock.advanceSeconds(60);
    expect((await login({ role_id: id, secret_id })).json).toEqual({
      errors: ['invalid role or secret ID'],
    });
  });

  it('[#71] refuses secret-id limits above the role and caps a ttl above the mount max', async () => {
    await vault.root$('POST', '/v1/auth/approle/role/limited', {
      token_policies: 'x',
      secret_id_num_uses: 3,
      secret_id_ttl: '1h',
    });
    const tooMany = await vault.root$(
      'POST',
      '/v1/auth/approle/role/limited/secret-id',
      { num_uses: 4 },
    );
    expect([tooMany.status, tooMany.json]).toEqual([
      400,
      {
        errors: [
          "num_uses cannot be higher than the role's secret_id_num_uses",
        ],
      },
    ]);
    const tooLong = await vault.root$(
      'POST',
      '/v1/auth/approle/role/limited/secret-id',
      { ttl: '2h' },
    );
    expect(tooLong.json).toEqual({
      errors: ["ttl cannot be longer than the role's secret_id_ttl"],
    });
    expect((await secretId('plain', { ttl: '9999h' })).secret_id_ttl).toBe(
      2_764_800,
    );
  });

  it('[#72] [#73] looks up and destroys a secret_id; unknown lookups answer 204', async () => {
    const id = await roleId();
    const { secret_id, secret_id_accessor } = await secretId('wallet', {
      metadata: '{"host":"w1"}',
    });
    const lookup = await vault.root$(
      'POST',
      '/v1/auth/approle/role/wallet/secret-id/lookup',
      { secret_id },
    );
    expect(lookup.json.data).toEqual({
      cidr_list: [],
      creation_time: expect.any(String),
      expiration_time: expect.any(String),
      last_updated_time: expect.any(String),
      metadata: { host: 'w1' },
      secret_id_accessor,
      secret_id_num_uses: 0,
      secret_id_ttl: 600,
      token_bound_cidrs: [],
    });
    expect(
      (
        await vault.root$(
          'POST',
          '/v1/auth/approle/role/wallet/secret-id/lookup',
          { secret_id: 'unknown' },
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await vault.root$(
          'POST',
          '/v1/auth/approle/role/wallet/secret-id/destroy',
          { secret_id },
        )
      ).status,
    ).toBe(204);
    expect((await login({ role_id: id, secret_id })).json).toEqual({
      errors: ['invalid role or secret ID'],
    });
    const gone = await vault.root$(
      'POST',
      '/v1/auth/approle/role/wallet/secret-id-accessor/lookup',
      { secret_id_accessor },
    );
    expect(gone.status).toBe(404);
    expect(gone.json.data).toEqual({
      error: `failed to find accessor entry for secret_id_accessor: "${secret_id_accessor}"`,
    });
  });

  it('[#74] answers secret-id generation for a missing role with 404', async () => {
    const res = await vault.root$(
      'POST',
      '/v1/auth/approle/role/ghost/secret-id',
    );
    expect([res.status, res.json]).toEqual([
      404,
      { errors: ['role "ghost" does not exist'] },
    ]);
  });

  it('[#75] wraps a secret_id on X-Vault-Wrap-TTL and unwraps it once into a working secret_id', async () => {
    const res = await vault.call(
      'POST',
      '/v1/auth/approle/role/wallet/secret-id',
      { token: vault.root, headers: { 'X-Vault-Wrap-TTL': '60s' } },
    );
    expect(res.json).toMatchObject({ request_id: '', data: null, auth: null });
    expect(res.json.wrap_info).toMatchObject({
      ttl: 60,
      creation_path: 'auth/approle/role/wallet/secret-id',
      wrapped_accessor: expect.any(String),
    });
    const unwrapped = await request(
      vault.server.address,
      'POST',
      '/v1/sys/wrapping/unwrap',
      { token: res.json.wrap_info.token },
    );
    expect(unwrapped.json.data.secret_id_accessor).toBe(
      res.json.wrap_info.wrapped_accessor,
    );
    expect(
      (
        await login({
          role_id: await roleId(),
          secret_id: unwrapped.json.data.secret_id,
        })
      ).status,
    ).toBe(200);
  });

  itDevOnly(
    '[#76] renews an AppRole token up to the role token_max_ttl',
    async () => {
      const { secret_id } = await secretId();
      const token = (await login({ role_id: await roleId(), secret_id })).json
        .auth.client_token as string;
      vault.clock.advanceSeconds(50 * 60);
      const first = await vault.call('POST', '/v1/auth/token/renew-self', {
        token,
        body: { increment: '2h' },
      });
      expect(first.json.auth.lease_duration).toBe(7200);
      vault.clock.advanceSeconds(110 * 60);
      const capped = await vault.call('POST', '/v1/auth/token/renew-self', {
        token,
        body: { increment: '2h' },
      });
      // token_max_ttl 4h from issue: 4h - 2h40m = 1h20m left.
      expect(capped.json.auth.lease_duration).toBe(4800);
      expect(capped.json.warnings[0]).toContain(
        'exceeded the effective max_ttl',
      );
    },
  );
});
