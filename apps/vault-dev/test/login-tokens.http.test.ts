/**
 * Tokens minted from an auth method's LoginResult (Vault docs: Token auth API, Identity), with a small
 * test auth method so the core's behaviour is pinned independently of the real engines.
 */
import { VaultError, type BackendFactory } from '../src/index';
import { backendFactories } from '../src/engines/registry';
import { startTestVault, type TestVault } from './support/vault-http';

describe('vault-dev login tokens', () => {
  let vault: TestVault;
  let roleTtlSeconds = 120;
  let roleExists = true;
  const fakeAuth: BackendFactory = () => ({
    type: 'userpass',
    unauthenticatedPaths: ['login/*'],
    async handle(req) {
      const user = req.path.split('/')[1];
      return {
        kind: 'login',
        login: {
          policies: ['Reader', 'default'],
          metadata: { username: user },
          ttlSeconds: 60,
          maxTtlSeconds: 3600,
          renewable: true,
          displayName: user,
          alias: { name: user },
        },
      };
    },
    renew({ aliasName }) {
      if (!roleExists)
        throw new VaultError(500, [
          `user "${aliasName}" does not exist during renewal`,
        ]);
      return { ttlSeconds: roleTtlSeconds, maxTtlSeconds: 3600 };
    },
  });

  let releaseSlow: () => void = () => undefined;
  const slowEngine: BackendFactory = () => ({
    type: 'slow',
    async handle() {
      await new Promise<void>((resolve) => (releaseSlow = resolve));
      return { kind: 'data', data: { done: true } };
    },
  });

  beforeAll(async () => {
    vault = await startTestVault({
      factories: { ...backendFactories, userpass: fakeAuth, slow: slowEngine },
    });
    await vault.root$('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
    await vault.root$('POST', '/v1/sys/mounts/slow', { type: 'slow' });
  });

  it('[#85] spends a single-use token for concurrent requests while its last use is still running', async () => {
    const token = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['root'],
        num_uses: 1,
      })
    ).json.auth.client_token;
    const first = vault.call('GET', '/v1/slow/x', { token });
    await new Promise((r) => setTimeout(r, 50));
    const second = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token,
    });
    expect(second.status).toBe(403);
    releaseSlow();
    expect((await first).json.data).toEqual({ done: true });
  });
  afterAll(() => vault.server.stop());

  const login = async (user: string) =>
    (await vault.call('POST', `/v1/auth/userpass/login/${user}`, { body: {} }))
      .json;

  it('[#64] answers a login with the auth object: orphan service token, sorted lower-case policies, entity', async () => {
    const res = await login('bob');
    expect(res.data).toBeNull();
    expect(res.lease_duration).toBe(0);
    expect(res.auth).toEqual({
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.stringMatching(/^[A-Za-z0-9]{24}$/),
      policies: ['default', 'reader'],
      token_policies: ['default', 'reader'],
      metadata: { username: 'bob' },
      lease_duration: 60,
      renewable: true,
      entity_id: expect.any(String),
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    });
    const self = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: res.auth.client_token,
    });
    expect(self.json.data).toEqual(
      expect.objectContaining({
        display_name: 'userpass-bob',
        path: 'auth/userpass/login/bob',
        entity_id: res.auth.entity_id,
      }),
    );
  });

  it('[#99] creates one entity and alias per login name on the mount accessor and reuses it', async () => {
    const [a, b] = [await login('carol'), await login('carol')];
    expect(a.auth.entity_id).toBe(b.auth.entity_id);
    const accessor = (await vault.root$('GET', '/v1/sys/auth')).json.data[
      'userpass/'
    ].accessor;
    const entity = await vault.root$(
      'GET',
      `/v1/identity/entity/id/${a.auth.entity_id}`,
    );
    expect(entity.json.data.name).toMatch(/^entity_[0-9a-f]{8}$/);
    expect(entity.json.data.aliases).toEqual([
      expect.objectContaining({ name: 'carol', mount_accessor: accessor }),
    ]);
  });

  it('[#76] renews with the TTL the auth method reports now, capped at the max from issue time', async () => {
    const { auth } = await login('dave');
    roleTtlSeconds = 7200;
    vault.clock.advanceSeconds(30);
    const res = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: auth.client_token,
    });
    expect(res.json.auth.lease_duration).toBe(3570);
    expect(res.json.warnings).toEqual([
      'TTL of "2h" exceeded the effective max_ttl of "59m30s"; TTL value is capped accordingly',
    ]);
    roleTtlSeconds = 120;
  });

  it('refuses renewal when the auth method says the role is gone', async () => {
    const { auth } = await login('erin');
    roleExists = false;
    const res = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: auth.client_token,
    });
    roleExists = true;
    expect([res.status, res.json]).toEqual([
      500,
      { errors: ['user "erin" does not exist during renewal'] },
    ]);
  });

  it('revokes the tokens of a deleted entity', async () => {
    const { auth } = await login('frank');
    expect(
      (await vault.root$('DELETE', `/v1/identity/entity/id/${auth.entity_id}`))
        .status,
    ).toBe(204);
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: auth.client_token,
        })
      ).status,
    ).toBe(403);
  });
});
