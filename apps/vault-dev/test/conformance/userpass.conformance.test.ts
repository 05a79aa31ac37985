/**
 * Conformance: the userpass auth method over HTTP (vault-api.md §8b), the tenant login
 * behind the gateway's `POST /auth/login/{username}`.
 */
import { startTestVault, type TestVault } from '../support/vault-http';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

describe('vault-dev userpass', () => {
  let vault: TestVault;
  let accessor: string;
  const login = (user: string, password: string) =>
    vault.call('POST', `/v1/auth/userpass/login/${user}`, {
      body: { password },
    });

  beforeAll(async () => {
    vault = await startTestVault();
    expect(
      (await vault.root$('POST', '/v1/sys/auth/userpass', { type: 'userpass' }))
        .status,
    ).toBe(204);
    accessor = (await vault.root$('GET', '/v1/sys/auth')).json.data['userpass/']
      .accessor;
  });
  afterAll(() => vault.server.stop());

  it('creates a user with 204 and reads it back without the password', async () => {
    const put = await vault.root$('POST', '/v1/auth/userpass/users/Alice', {
      password: 's3cret',
      token_policies: 'tenant',
      token_ttl: '30m',
    });
    expect([put.status, put.text]).toEqual([204, '']);
    const read = await vault.root$('GET', '/v1/auth/userpass/users/alice');
    expect(read.json.data).toMatchObject({
      token_policies: ['tenant'],
      token_ttl: 1800,
      token_max_ttl: 0,
    });
    expect(read.text).not.toContain('s3cret');
    expect(
      (await vault.root$('LIST', '/v1/auth/userpass/users')).json.data.keys,
    ).toEqual(['alice']);
    expect(
      (await vault.root$('GET', '/v1/auth/userpass/users/nobody')).json,
    ).toEqual({ errors: [] });
  });

  it('logs in without a token; the alias on the userpass accessor is the username', async () => {
    const res = await login('alice', 's3cret');
    expect(res.status).toBe(200);
    expect(res.json.auth).toMatchObject({
      policies: ['default', 'tenant'],
      metadata: { username: 'alice' },
      lease_duration: 1800,
      renewable: true,
      token_type: 'service',
      entity_id: expect.any(String),
    });
    const self = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: res.json.auth.client_token,
    });
    expect(self.json.data.display_name).toBe('userpass-alice');
    const entity = await vault.root$('POST', '/v1/identity/lookup/entity', {
      alias_name: 'alice',
      alias_mount_accessor: accessor,
    });
    expect(entity.json.data.id).toBe(res.json.auth.entity_id);
    expect((await login('alice', 's3cret')).json.auth.entity_id).toBe(
      res.json.auth.entity_id,
    );
  });

  it.each([
    ['a wrong password', 'alice', 'nope'],
    ['an unknown user', 'mallory', 's3cret'],
  ])(
    'answers %s with 400 "invalid username or password"',
    async (_case, user, password) => {
      const res = await login(user, password);
      expect([res.status, res.json]).toEqual([
        400,
        { errors: ['invalid username or password'] },
      ]);
    },
  );

  it('changes the password, after which only the new one works', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/auth/userpass/users/alice/password', {
          password: 'n3w',
        })
      ).status,
    ).toBe(204);
    expect((await login('alice', 's3cret')).status).toBe(400);
    expect((await login('alice', 'n3w')).status).toBe(200);
  });

  it('needs a token with the right policy to manage users', async () => {
    const res = await vault.call('POST', '/v1/auth/userpass/users/bob', {
      body: { password: 'x' },
    });
    expect([res.status, res.json]).toEqual([
      403,
      { errors: ['permission denied'] },
    ]);
  });

  it('deletes a user, whose logins then fail', async () => {
    expect(
      (await vault.root$('DELETE', '/v1/auth/userpass/users/alice')).status,
    ).toBe(204);
    expect((await login('alice', 'n3w')).json).toEqual({
      errors: ['invalid username or password'],
    });
  });
});
