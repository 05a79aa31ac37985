/**
 * Conformance: the fidelity items #121-#136 (docs/adr/0011-vault-dev-fidelity-gaps.md lists
 * them), each checked against what Vault's source does. Runs against a real Vault or OpenBao
 * dev server too (VAULT_CONFORMANCE_ADDR, see the vault-dev README); tests that need the
 * injected clock are marked with itDevOnly.
 */
import {
  isRealVault,
  itDevOnly,
  startTestVault,
  tokenWithPolicy,
  type TestVault,
} from '../support/vault-http';

// scrypt (userpass) and RSA key generation are CPU-bound on a shared machine; this bounds
// the wait, it asserts nothing about speed.
jest.setTimeout(60_000);

const UNKNOWN = 'Endpoint ignored these unrecognized parameters: [zz_unknown]';
const multiError = (m: string) => `1 error occurred:\n\t* ${m}\n\n`;

describe('vault-dev fidelity (#121-#136)', () => {
  let vault: TestVault;
  let userpassAccessor: string;
  let approleAccessor: string;

  const auth = (path: string, type: string) =>
    vault.root$('POST', `/v1/sys/auth/${path}`, { type });
  const userLogin = (user: string, password: string, mount = 'userpass') =>
    vault.call('POST', `/v1/auth/${mount}/login/${user}`, {
      body: { password },
    });
  const accessorOf = async (path: string): Promise<string> =>
    (await vault.root$('GET', '/v1/sys/auth')).json.data[path].accessor;

  beforeAll(async () => {
    vault = await startTestVault();
    expect((await auth('userpass', 'userpass')).status).toBe(204);
    expect((await auth('approle', 'approle')).status).toBe(204);
    userpassAccessor = await accessorOf('userpass/');
    approleAccessor = await accessorOf('approle/');
  });
  afterAll(() => vault.server.stop());

  // KV plugin path_data.go: `cas` is mapstructure.WeakDecode'd into an int and compared as
  // uint64 with the current version, so -1 parses and simply does not match.
  it('[#121] treats options.cas = -1 as a mismatch, not a parse error', async () => {
    await vault.root$('POST', '/v1/secret/data/cas-neg', { data: { v: 1 } });
    const neg = await vault.root$('POST', '/v1/secret/data/cas-neg', {
      data: { v: 2 },
      options: { cas: -1 },
    });
    expect([neg.status, neg.json]).toEqual([
      400,
      { errors: ['check-and-set parameter did not match the current version'] },
    ]);
    const junk = await vault.root$('POST', '/v1/secret/data/cas-neg', {
      data: { v: 2 },
      options: { cas: 'abc' },
    });
    expect(junk.json).toEqual({
      errors: ['error parsing check-and-set parameter'],
    });
    const asString = await vault.root$('POST', '/v1/secret/data/cas-neg', {
      data: { v: 2 },
      options: { cas: '1' },
    });
    expect(asString.json.data.version).toBe(2);
  });

  // identity store_oidc.go pathOIDCUpdateConfig: an explicit issuer answers a response that
  // carries only this warning; clearing it answers nil (204).
  it("[#122] answers an explicit OIDC issuer with 200 and Vault's warning", async () => {
    const set = await vault.root$('POST', '/v1/identity/oidc/config', {
      issuer: 'https://vault.example.com:8200',
    });
    expect(set.status).toBe(200);
    expect(set.json.data).toBeNull();
    expect(set.json.warnings).toEqual([
      'If "issuer" is set explicitly, all tokens must be validated against that address, including those issued by secondary clusters. Setting issuer to "" will restore the default behavior of using the cluster\'s api_addr as the issuer.',
    ]);
    const reset = await vault.root$('POST', '/v1/identity/oidc/config', {
      issuer: '',
    });
    expect([reset.status, reset.text]).toEqual([204, '']);
  });

  // identity store_aliases.go handleAliasUpdate: a changed mount_accessor must name a mount.
  it('[#123] refuses an entity-alias update with a bogus mount_accessor and keeps the alias', async () => {
    const entity = await vault.root$('POST', '/v1/identity/entity', {
      name: 'fid-alias',
    });
    const alias = await vault.root$('POST', '/v1/identity/entity-alias', {
      name: 'fid-alias',
      canonical_id: entity.json.data.id,
      mount_accessor: userpassAccessor,
    });
    const id = alias.json.data.id as string;
    const bad = await vault.root$(
      'POST',
      `/v1/identity/entity-alias/id/${id}`,
      {
        mount_accessor: 'auth_userpass_bogus',
      },
    );
    expect([bad.status, bad.json]).toEqual([
      400,
      { errors: ['invalid mount accessor "auth_userpass_bogus"'] },
    ]);
    const read = await vault.root$('GET', `/v1/identity/entity-alias/id/${id}`);
    expect(read.json.data.mount_accessor).toBe(userpassAccessor);
    const moved = await vault.root$(
      'POST',
      `/v1/identity/entity-alias/id/${id}`,
      {
        mount_accessor: approleAccessor,
      },
    );
    expect([moved.status, moved.json.data]).toEqual([
      200,
      { id, canonical_id: entity.json.data.id },
    ]);
    // Nothing to change: nil, so 204 (handleAliasUpdate's idempotent branch).
    const same = await vault.root$(
      'POST',
      `/v1/identity/entity-alias/id/${id}`,
      {
        mount_accessor: approleAccessor,
      },
    );
    expect(same.status).toBe(204);
    const after = await vault.root$(
      'GET',
      `/v1/identity/entity-alias/id/${id}`,
    );
    expect(after.json.data).toMatchObject({
      mount_accessor: approleAccessor,
      mount_type: 'approle',
    });
  });

  // vault/mount.go mountAliases: "generic" is the legacy name of the kv engine; the mount
  // keeps the type it was given.
  it('[#124] mounts the legacy type `generic` as a KV v1 engine', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/sys/mounts/legacy-kv', {
          type: 'generic',
        })
      ).status,
    ).toBe(204);
    const mounts = await vault.root$('GET', '/v1/sys/mounts');
    expect(mounts.json.data['legacy-kv/'].type).toBe('generic');
    expect(
      (await vault.root$('POST', '/v1/legacy-kv/app', { password: 'x' }))
        .status,
    ).toBe(204);
    expect((await vault.root$('GET', '/v1/legacy-kv/app')).json.data).toEqual({
      password: 'x',
    });
    const versioned = await vault.root$('POST', '/v1/sys/mounts/legacy-v2', {
      type: 'generic',
      options: { version: '2' },
    });
    expect([versioned.status, versioned.json]).toEqual([
      400,
      { errors: ['secrets engine "generic" does not allow setting a version'] },
    ]);
  });

  // logical_system.go handleRemount + handleRemountStatusCheck: a migration id, a "queued"
  // warning, then status "success"; the data moves with the mount.
  it('[#125] moves a mount with sys/remount and reports the migration', async () => {
    await vault.root$('POST', '/v1/sys/mounts/move-from', { type: 'kv-v2' });
    await vault.root$('POST', '/v1/move-from/data/k', { data: { a: 1 } });
    const res = await vault.root$('POST', '/v1/sys/remount', {
      from: 'move-from',
      to: 'move-to',
    });
    expect(res.status).toBe(200);
    expect(res.json.data.migration_id).toEqual(expect.any(String));
    expect(res.json.warnings[0]).toMatch(/^Mount move has been queued\. /);
    let status = '';
    for (let i = 0; i < 50 && status !== 'success'; i++) {
      const s = await vault.root$(
        'GET',
        `/v1/sys/remount/status/${res.json.data.migration_id}`,
      );
      status = s.json?.data?.migration_info?.status ?? '';
      if (status !== 'success') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('success');
    expect(
      (await vault.root$('GET', '/v1/move-to/data/k')).json.data.data,
    ).toEqual({ a: 1 });
    const mounts = (await vault.root$('GET', '/v1/sys/mounts')).json.data;
    expect(mounts['move-from/']).toBeUndefined();
    const missing = await vault.root$('POST', '/v1/sys/remount', {
      from: 'nowhere',
      to: 'elsewhere',
    });
    expect([missing.status, missing.json]).toEqual([
      400,
      { errors: ['no matching mount at "nowhere/"'] },
    ]);
  });

  // token_store.go: "This block is compatibility" — `lease` is the TTL when `ttl` is absent.
  it('[#126] uses the deprecated `lease` of token create as a renewable TTL', async () => {
    const created = await vault.root$('POST', '/v1/auth/token/create', {
      lease: '1h',
      policies: ['default'],
    });
    expect(created.json.auth).toMatchObject({
      lease_duration: 3600,
      renewable: true,
    });
    const renewed = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: created.json.auth.client_token,
      body: { increment: '30m' },
    });
    expect(renewed.status).toBe(200);
    expect(renewed.json.auth.lease_duration).toBe(1800);
  });

  // userpass path_users.go: tokenutil.UpgradeValue moves ttl / max_ttl to token_ttl /
  // token_max_ttl; pathUserRead still shows the legacy names.
  it("[#127] upgrades a userpass user's legacy ttl / max_ttl to token_ttl / token_max_ttl", async () => {
    expect(
      (
        await vault.root$('POST', '/v1/auth/userpass/users/legacy', {
          password: 'pw',
          ttl: '10m',
          max_ttl: '1h',
        })
      ).status,
    ).toBe(204);
    const read = await vault.root$('GET', '/v1/auth/userpass/users/legacy');
    expect(read.json.data).toMatchObject({
      token_ttl: 600,
      token_max_ttl: 3600,
      ttl: 600,
      max_ttl: 3600,
    });
    const login = await userLogin('legacy', 'pw');
    expect(login.json.auth.lease_duration).toBe(600);
  });

  // expiration.go RenewToken: the TTL is computed once (framework.CalculateTTL) and reported
  // as resp.Auth.TTL; it is never re-read from a later clock reading.
  itDevOnly(
    '[#128] reports the renewed TTL from the same clock reading that set it',
    async () => {
      let t = Date.UTC(2026, 0, 1, 12);
      // Every read of this clock moves it 1 ms on, as a real clock does between two readings.
      const ticking = await startTestVault({ clock: () => (t += 1) });
      try {
        const created = await ticking.root$('POST', '/v1/auth/token/create', {
          ttl: '2h',
        });
        const renewed = await ticking.call(
          'POST',
          '/v1/auth/token/renew-self',
          {
            token: created.json.auth.client_token,
            body: { increment: '1h' },
          },
        );
        expect(renewed.json.auth.lease_duration).toBe(3600);
      } finally {
        await ticking.server.stop();
      }
    },
  );

  // http/sys_init.go handleSysInitGet; http/sys_leader.go + GetLeaderStatus (no HA storage).
  it('[#129] [#130] answers sys/init and sys/leader without a token, as raw JSON', async () => {
    const init = await vault.call('GET', '/v1/sys/init');
    expect([init.status, init.json]).toEqual([200, { initialized: true }]);
    const again = await vault.root$('PUT', '/v1/sys/init', {
      secret_shares: 1,
      secret_threshold: 1,
    });
    expect([again.status, again.json]).toEqual([
      400,
      { errors: ['Vault is already initialized'] },
    ]);
    const leader = await vault.call('GET', '/v1/sys/leader');
    expect(leader.status).toBe(200);
    expect(leader.json.ha_enabled).toBe(false);
    expect(leader.json).not.toHaveProperty('request_id');
  });

  // request_handling.go isUserLocked / failedUserLoginProcess, configutil defaults
  // (threshold 5, duration 15m, counter reset 15m): the sixth attempt is refused with 403
  // "permission denied" even with the right password.
  it('[#131] locks a userpass login after 5 wrong passwords, even for the right one', async () => {
    await vault.root$('POST', '/v1/auth/userpass/users/victim', {
      password: 'right',
    });
    for (let i = 0; i < 5; i++) {
      const wrong = await userLogin('victim', `wrong-${i}`);
      expect([wrong.status, wrong.json]).toEqual([
        400,
        { errors: ['invalid username or password'] },
      ]);
    }
    const locked = await userLogin('victim', 'right');
    expect([locked.status, locked.json]).toEqual([
      403,
      { errors: ['permission denied'] },
    ]);
    // Another user of the same mount is not affected.
    await vault.root$('POST', '/v1/auth/userpass/users/bystander', {
      password: 'pw',
    });
    expect((await userLogin('bystander', 'pw')).status).toBe(200);
    // An operator sees it (logical_system_user_lockout.go handleLockedUsersQuery) ...
    const list = await vault.root$(
      'GET',
      `/v1/sys/locked-users?mount_accessor=${userpassAccessor}`,
    );
    expect(list.json.data.by_namespace[0].mount_accessors).toEqual([
      {
        mount_accessor: userpassAccessor,
        counts: 1,
        alias_identifiers: ['victim'],
      },
    ]);
    // ... and unlocks it (sys/locked-users/:mount_accessor/unlock/:alias_identifier).
    const unlock = await vault.root$(
      'POST',
      `/v1/sys/locked-users/${userpassAccessor}/unlock/victim`,
    );
    expect(unlock.status).toBe(204);
    expect((await userLogin('victim', 'right')).status).toBe(200);
  });

  itDevOnly(
    '[#131] unlocks by itself after the 15 minute lockout_duration',
    async () => {
      await vault.root$('POST', '/v1/auth/userpass/users/waiter', {
        password: 'right',
      });
      for (let i = 0; i < 5; i++) await userLogin('waiter', 'wrong');
      expect((await userLogin('waiter', 'right')).status).toBe(403);
      vault.clock.advanceSeconds(15 * 60 - 1);
      expect((await userLogin('waiter', 'right')).status).toBe(403);
      vault.clock.advanceSeconds(1);
      expect((await userLogin('waiter', 'right')).status).toBe(200);
      // A successful login clears the count: four more failures do not lock.
      for (let i = 0; i < 4; i++) await userLogin('waiter', 'wrong');
      expect((await userLogin('waiter', 'right')).status).toBe(200);
    },
  );

  // approle path_login.go: only a wrong secret_id of an existing role returns
  // logical.ErrInvalidCredentials, so only that counts; the alias is the role_id.
  it('[#132] locks an AppRole role_id after 5 wrong secret_ids; unknown role_ids do not count', async () => {
    await vault.root$('POST', '/v1/auth/approle/role/locked', {});
    const roleId = (
      await vault.root$('GET', '/v1/auth/approle/role/locked/role-id')
    ).json.data.role_id as string;
    const secret = (
      await vault.root$('POST', '/v1/auth/approle/role/locked/secret-id')
    ).json.data.secret_id as string;
    for (let i = 0; i < 5; i++) {
      const wrong = await vault.call('POST', '/v1/auth/approle/login', {
        body: { role_id: 'no-such-role', secret_id: secret },
      });
      expect(wrong.json).toEqual({ errors: ['invalid role or secret ID'] });
    }
    for (let i = 0; i < 5; i++) {
      const wrong = await vault.call('POST', '/v1/auth/approle/login', {
        body: { role_id: roleId, secret_id: `wrong-${i}` },
      });
      expect([wrong.status, wrong.json]).toEqual([
        400,
        { errors: ['invalid role or secret ID'] },
      ]);
    }
    const locked = await vault.call('POST', '/v1/auth/approle/login', {
      body: { role_id: roleId, secret_id: secret },
    });
    expect([locked.status, locked.json]).toEqual([
      403,
      { errors: ['permission denied'] },
    ]);
  });

  // logical_system.go handleTuneWriteCommon: user_lockout_config on userpass / approle / ldap
  // only; handleTuneReadCommon shows user_lockout_* once set.
  it('[#133] tunes lockout per mount with user_lockout_config, and only on auth types that support it', async () => {
    await auth('userpass-tuned', 'userpass');
    const tune = await vault.root$('POST', '/v1/sys/auth/userpass-tuned/tune', {
      user_lockout_config: {
        lockout_threshold: '2',
        lockout_duration: '1m',
        lockout_counter_reset_duration: '30s',
      },
    });
    expect(tune.status).toBe(204);
    const read = await vault.root$('GET', '/v1/sys/auth/userpass-tuned/tune');
    expect(read.json.data).toMatchObject({
      user_lockout_threshold: 2,
      user_lockout_duration: 60,
      user_lockout_counter_reset_duration: 30,
      user_lockout_disable: false,
    });
    await vault.root$('POST', '/v1/auth/userpass-tuned/users/tuned', {
      password: 'right',
    });
    await userLogin('tuned', 'wrong', 'userpass-tuned');
    await userLogin('tuned', 'wrong', 'userpass-tuned');
    expect((await userLogin('tuned', 'right', 'userpass-tuned')).status).toBe(
      403,
    );

    await auth('userpass-open', 'userpass');
    await vault.root$('POST', '/v1/sys/auth/userpass-open/tune', {
      user_lockout_config: { lockout_disable: true },
    });
    await vault.root$('POST', '/v1/auth/userpass-open/users/open', {
      password: 'right',
    });
    for (let i = 0; i < 6; i++)
      await userLogin('open', 'wrong', 'userpass-open');
    expect((await userLogin('open', 'right', 'userpass-open')).status).toBe(
      200,
    );

    // handleEnableAuth takes the same config when the method is enabled.
    await vault.root$('POST', '/v1/sys/auth/userpass-enabled', {
      type: 'userpass',
      config: { user_lockout_config: { lockout_threshold: '3' } },
    });
    const enabled = await vault.root$(
      'GET',
      '/v1/sys/auth/userpass-enabled/tune',
    );
    expect(enabled.json.data.user_lockout_threshold).toBe(3);

    const onToken = await vault.root$('POST', '/v1/sys/auth/token/tune', {
      user_lockout_config: { lockout_threshold: '3' },
    });
    expect([onToken.status, onToken.json]).toEqual([
      400,
      {
        errors: [
          'tuning of user lockout configuration for auth type "token" not allowed',
        ],
      },
    ]);
  });

  // policy/acl.go AllowOperation: for LIST the exact rule without the trailing slash is
  // tried before any wildcard rule.
  it('[#134] lets an exact rule without the trailing slash win over a wildcard on LIST', async () => {
    await vault.root$('POST', '/v1/secret/data/ordered/x', { data: { a: 1 } });
    const token = await tokenWithPolicy(
      vault,
      'list-order',
      'path "secret/metadata/ordered" { capabilities = ["list"] }\npath "secret/metadata/order*" { capabilities = ["deny"] }',
    );
    const list = await vault.call('LIST', '/v1/secret/metadata/ordered/', {
      token,
    });
    expect(list.status).toBe(200);
    expect(list.json.data.keys).toEqual(['x']);
  });

  // approle path_login.go pathLoginRenew: a deleted role fails the renewal; the expiration
  // manager wraps it ("failed to renew entry: ..."), an internal error (500).
  it('[#135] refuses to renew a token whose AppRole role was deleted', async () => {
    await vault.root$('POST', '/v1/auth/approle/role/doomed', {
      token_ttl: '1h',
    });
    const roleId = (
      await vault.root$('GET', '/v1/auth/approle/role/doomed/role-id')
    ).json.data.role_id as string;
    const secret = (
      await vault.root$('POST', '/v1/auth/approle/role/doomed/secret-id')
    ).json.data.secret_id as string;
    const login = await vault.call('POST', '/v1/auth/approle/login', {
      body: { role_id: roleId, secret_id: secret },
    });
    const token = login.json.auth.client_token as string;
    expect(
      (
        await vault.call('POST', '/v1/auth/token/renew-self', {
          token,
          body: {},
        })
      ).status,
    ).toBe(200);
    await vault.root$('DELETE', '/v1/auth/approle/role/doomed');
    const renew = await vault.call('POST', '/v1/auth/token/renew-self', {
      token,
      body: {},
    });
    expect([renew.status, renew.json]).toEqual([
      500,
      {
        errors: [
          multiError(
            'failed to renew entry: role "doomed" does not exist during renewal',
          ),
        ],
      },
    ]);
  });

  // userpass path_login.go pathLoginRenew: a deleted user answers nil, so the renewal is a
  // 204 that does not extend the token.
  it('[#135] does not renew a userpass token whose user was deleted', async () => {
    await vault.root$('POST', '/v1/auth/userpass/users/gone', {
      password: 'pw',
      token_ttl: '1h',
    });
    const token = (await userLogin('gone', 'pw')).json.auth
      .client_token as string;
    await vault.root$('DELETE', '/v1/auth/userpass/users/gone');
    const renew = await vault.call('POST', '/v1/auth/token/renew-self', {
      token,
      body: { increment: '2h' },
    });
    expect([renew.status, renew.text]).toEqual([204, '']);
    const self = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token,
    });
    expect(self.json.data.ttl).toBeLessThanOrEqual(3600);
  });

  /**
   * [#136] No 2xx-and-ignore: an unknown field sent to every write path vault-dev serves.
   * sdk/framework/backend.go HandleRequest adds the warning to every non-nil response; a
   * handler that answers nil (204) gets none — that is Vault's own behaviour, kept here.
   * Fields Vault knows but vault-dev does not implement are refused with a 400 (token roles).
   */
  describe('[#136] unknown parameters on every write path', () => {
    let childToken: string;
    let roleId: string;
    let secretId: string;
    let wrapToken: string;
    let revokeMe: string;
    let orphanMe: string;
    let childAccessor: string;
    let otherAccessor: string;
    let secretIdAccessor: string;
    let destroyMe: string;
    let destroyAccessor: string;
    let aliasId: string;
    let entityId: string;
    let ciphertext: string;
    let signature: string;
    const token = async (body: Record<string, unknown> = {}) =>
      (await vault.root$('POST', '/v1/auth/token/create', body)).json.auth;
    const newSecretId = async () =>
      (await vault.root$('POST', '/v1/auth/approle/role/r136/secret-id')).json
        .data;
    beforeAll(async () => {
      revokeMe = (await vault.root$('POST', '/v1/auth/token/create', {})).json
        .auth.client_token;
      await vault.root$('POST', '/v1/auth/userpass/users/u136', {
        password: 'pw',
      });
      await vault.root$('POST', '/v1/auth/approle/role/r136', {});
      roleId = (await vault.root$('GET', '/v1/auth/approle/role/r136/role-id'))
        .json.data.role_id;
      secretId = (
        await vault.root$('POST', '/v1/auth/approle/role/r136/secret-id')
      ).json.data.secret_id;
      await vault.root$('POST', '/v1/sys/mounts/transit', { type: 'transit' });
      await vault.root$('POST', '/v1/transit/keys/k136', { type: 'ed25519' });
      await vault.root$('POST', '/v1/transit/keys/a136', {});
      await vault.root$('POST', '/v1/identity/entity', { name: 'e136' });
      await vault.root$('POST', '/v1/identity/oidc/key/k136', {});
      childToken = (
        await vault.root$('POST', '/v1/auth/token/create', { ttl: '1h' })
      ).json.auth.client_token;
      const child = await token({ ttl: '1h' });
      childAccessor = child.accessor;
      orphanMe = (await token()).client_token;
      otherAccessor = (await token()).accessor;
      const sid = await newSecretId();
      secretIdAccessor = sid.secret_id_accessor;
      destroyMe = (await newSecretId()).secret_id;
      destroyAccessor = (await newSecretId()).secret_id_accessor;
      await vault.root$('POST', '/v1/auth/approle/role/r136b', {});
      await vault.root$('POST', '/v1/sys/mounts/u136mv', { type: 'kv' });
      entityId = (
        await vault.root$('POST', '/v1/identity/entity', { name: 'a136' })
      ).json.data.id;
      aliasId = (
        await vault.root$('POST', '/v1/identity/entity-alias', {
          name: 'a136',
          canonical_id: entityId,
          mount_accessor: userpassAccessor,
        })
      ).json.data.id;
      await vault.root$('POST', '/v1/identity/oidc/role/r136', { key: 'k136' });
      ciphertext = (
        await vault.root$('POST', '/v1/transit/encrypt/a136', {
          plaintext: 'aGk=',
        })
      ).json.data.ciphertext;
      signature = (
        await vault.root$('POST', '/v1/transit/sign/k136', { input: 'aGk=' })
      ).json.data.signature;
      wrapToken = (
        await vault.call('POST', '/v1/sys/wrapping/wrap', {
          token: vault.root,
          body: { a: 1 },
          headers: { 'X-Vault-Wrap-TTL': '5m' },
        })
      ).json.wrap_info.token;
    });

    type Expect = 'warning' | 204;
    const cases: Array<
      [
        string,
        () => { path: string; body: Record<string, unknown>; token?: string },
        Expect,
      ]
    > = [
      [
        'sys/mounts/:path',
        () => ({ path: 'sys/mounts/u136kv', body: { type: 'kv' } }),
        204,
      ],
      [
        'sys/mounts/:path/tune',
        () => ({ path: 'sys/mounts/secret/tune', body: { description: 'kv' } }),
        204,
      ],
      [
        'sys/auth/:path',
        () => ({ path: 'sys/auth/u136up', body: { type: 'userpass' } }),
        204,
      ],
      [
        'sys/policies/acl/:name',
        () => ({
          path: 'sys/policies/acl/p136',
          body: { policy: 'path "x" { capabilities = ["read"] }' },
        }),
        204,
      ],
      [
        'sys/policy/:name',
        () => ({
          path: 'sys/policy/q136',
          body: { rules: 'path "x" { capabilities = ["read"] }' },
        }),
        204,
      ],
      [
        'sys/capabilities-self',
        () => ({
          path: 'sys/capabilities-self',
          body: { paths: ['secret/data/x'] },
        }),
        'warning',
      ],
      [
        'sys/wrapping/lookup',
        () => ({ path: 'sys/wrapping/lookup', body: { token: wrapToken } }),
        'warning',
      ],
      [
        'auth/token/create',
        () => ({ path: 'auth/token/create', body: { ttl: '1h' } }),
        'warning',
      ],
      [
        'auth/token/lookup',
        () => ({ path: 'auth/token/lookup', body: { token: childToken } }),
        'warning',
      ],
      [
        'auth/token/renew',
        () => ({ path: 'auth/token/renew', body: { token: childToken } }),
        'warning',
      ],
      [
        'auth/token/revoke',
        () => ({ path: 'auth/token/revoke', body: { token: revokeMe } }),
        204,
      ],
      [
        'secret/data/:path',
        () => ({ path: 'secret/data/u136', body: { data: { a: 1 } } }),
        'warning',
      ],
      [
        'secret/metadata/:path',
        () => ({ path: 'secret/metadata/u136', body: { max_versions: 3 } }),
        204,
      ],
      [
        'auth/userpass/users/:name',
        () => ({ path: 'auth/userpass/users/u136', body: { password: 'pw' } }),
        204,
      ],
      [
        'auth/userpass/login/:name',
        () => ({ path: 'auth/userpass/login/u136', body: { password: 'pw' } }),
        'warning',
      ],
      [
        'auth/approle/role/:name',
        () => ({ path: 'auth/approle/role/r136', body: { token_ttl: '1h' } }),
        204,
      ],
      [
        'auth/approle/role/:name/secret-id',
        () => ({ path: 'auth/approle/role/r136/secret-id', body: {} }),
        'warning',
      ],
      [
        'auth/approle/login',
        () => ({
          path: 'auth/approle/login',
          body: { role_id: roleId, secret_id: secretId },
        }),
        'warning',
      ],
      [
        'identity/entity',
        () => ({ path: 'identity/entity', body: { name: 'n136' } }),
        'warning',
      ],
      [
        'identity/lookup/entity',
        () => ({ path: 'identity/lookup/entity', body: { name: 'e136' } }),
        'warning',
      ],
      [
        'identity/oidc/key/:name',
        () => ({
          path: 'identity/oidc/key/k136',
          body: { verification_ttl: '24h' },
        }),
        204,
      ],
      [
        'transit/encrypt/:name',
        () => ({ path: 'transit/encrypt/a136', body: { plaintext: 'aGk=' } }),
        'warning',
      ],
      [
        'transit/sign/:name',
        () => ({ path: 'transit/sign/k136', body: { input: 'aGk=' } }),
        'warning',
      ],
      [
        'sys/capabilities',
        () => ({
          path: 'sys/capabilities',
          body: { token: childToken, paths: ['secret/data/x'] },
        }),
        'warning',
      ],
      [
        'sys/capabilities-accessor',
        () => ({
          path: 'sys/capabilities-accessor',
          body: { accessor: childAccessor, paths: ['secret/data/x'] },
        }),
        'warning',
      ],
      [
        'sys/remount',
        () => ({
          path: 'sys/remount',
          body: { from: 'u136mv', to: 'u136mv2' },
        }),
        'warning',
      ],
      [
        'sys/locked-users/:accessor/unlock/:alias',
        () => ({
          path: `sys/locked-users/${userpassAccessor}/unlock/u136`,
          body: {},
        }),
        204,
      ],
      [
        'auth/token/create-orphan',
        () => ({ path: 'auth/token/create-orphan', body: {} }),
        'warning',
      ],
      [
        'auth/token/lookup-self',
        () => ({ path: 'auth/token/lookup-self', body: {} }),
        'warning',
      ],
      [
        'auth/token/lookup-accessor',
        () => ({
          path: 'auth/token/lookup-accessor',
          body: { accessor: childAccessor },
        }),
        'warning',
      ],
      [
        'auth/token/renew-accessor',
        () => ({
          path: 'auth/token/renew-accessor',
          body: { accessor: childAccessor },
        }),
        'warning',
      ],
      [
        'auth/token/revoke-orphan',
        () => ({ path: 'auth/token/revoke-orphan', body: { token: orphanMe } }),
        204,
      ],
      [
        'auth/token/revoke-accessor',
        () => ({
          path: 'auth/token/revoke-accessor',
          body: { accessor: otherAccessor },
        }),
        204,
      ],
      [
        'secret/config',
        () => ({ path: 'secret/config', body: { max_versions: 20 } }),
        204,
      ],
      [
        'secret/delete/:path',
        () => ({ path: 'secret/delete/u136', body: { versions: [1] } }),
        204,
      ],
      [
        'secret/undelete/:path',
        () => ({ path: 'secret/undelete/u136', body: { versions: [1] } }),
        204,
      ],
      [
        'secret/destroy/:path',
        () => ({ path: 'secret/destroy/u136', body: { versions: [1] } }),
        204,
      ],
      [
        'auth/userpass/users/:name/password',
        () => ({
          path: 'auth/userpass/users/u136/password',
          body: { password: 'pw' },
        }),
        204,
      ],
      [
        'auth/userpass/users/:name/policies',
        () => ({
          path: 'auth/userpass/users/u136/policies',
          body: { token_policies: 'default' },
        }),
        204,
      ],
      [
        'auth/approle/role/:name/role-id',
        () => ({
          path: 'auth/approle/role/r136b/role-id',
          body: { role_id: 'rid-136' },
        }),
        204,
      ],
      [
        'auth/approle/role/:name/custom-secret-id',
        () => ({
          path: 'auth/approle/role/r136/custom-secret-id',
          body: { secret_id: 'custom-136' },
        }),
        'warning',
      ],
      [
        'auth/approle/role/:name/secret-id/lookup',
        () => ({
          path: 'auth/approle/role/r136/secret-id/lookup',
          body: { secret_id: secretId },
        }),
        'warning',
      ],
      [
        'auth/approle/role/:name/secret-id-accessor/lookup',
        () => ({
          path: 'auth/approle/role/r136/secret-id-accessor/lookup',
          body: { secret_id_accessor: secretIdAccessor },
        }),
        'warning',
      ],
      [
        'auth/approle/role/:name/secret-id/destroy',
        () => ({
          path: 'auth/approle/role/r136/secret-id/destroy',
          body: { secret_id: destroyMe },
        }),
        204,
      ],
      [
        'auth/approle/role/:name/secret-id-accessor/destroy',
        () => ({
          path: 'auth/approle/role/r136/secret-id-accessor/destroy',
          body: { secret_id_accessor: destroyAccessor },
        }),
        204,
      ],
      [
        'auth/approle/role/:name/token-ttl',
        () => ({
          path: 'auth/approle/role/r136/token-ttl',
          body: { token_ttl: '1h' },
        }),
        204,
      ],
      [
        'auth/approle/tidy/secret-id (202)',
        () => ({ path: 'auth/approle/tidy/secret-id', body: {} }),
        'warning',
      ],
      [
        'identity/entity/id/:id (update)',
        () => ({
          path: `identity/entity/id/${entityId}`,
          body: { metadata: { a: 'b' } },
        }),
        204,
      ],
      [
        'identity/entity/name/:name (update)',
        () => ({
          path: 'identity/entity/name/a136',
          body: { policies: ['p'] },
        }),
        204,
      ],
      [
        'identity/entity-alias',
        () => ({
          path: 'identity/entity-alias',
          body: { name: 'b136', mount_accessor: userpassAccessor },
        }),
        'warning',
      ],
      [
        'identity/entity-alias/id/:id',
        () => ({
          path: `identity/entity-alias/id/${aliasId}`,
          body: { name: 'c136' },
        }),
        'warning',
      ],
      [
        'identity/oidc/config',
        () => ({ path: 'identity/oidc/config', body: { issuer: '' } }),
        204,
      ],
      [
        'identity/oidc/key/:name/rotate',
        () => ({ path: 'identity/oidc/key/k136/rotate', body: {} }),
        204,
      ],
      [
        'identity/oidc/role/:name',
        () => ({ path: 'identity/oidc/role/r136', body: { key: 'k136' } }),
        204,
      ],
      [
        'transit/keys/:name (create)',
        () => ({ path: 'transit/keys/n136', body: {} }),
        'warning',
      ],
      [
        'transit/keys/:name/rotate',
        () => ({ path: 'transit/keys/a136/rotate', body: {} }),
        'warning',
      ],
      [
        'transit/keys/:name/config',
        () => ({
          path: 'transit/keys/a136/config',
          body: { deletion_allowed: true },
        }),
        'warning',
      ],
      [
        'transit/decrypt/:name',
        () => ({ path: 'transit/decrypt/a136', body: { ciphertext } }),
        'warning',
      ],
      [
        'transit/verify/:name',
        () => ({
          path: 'transit/verify/k136',
          body: { input: 'aGk=', signature },
        }),
        'warning',
      ],
    ];

    it.each(cases)('%s', async (_name, make, expected) => {
      const { path, body, token } = make();
      const res = await vault.call('POST', `/v1/${path}`, {
        token: token ?? vault.root,
        body: { ...body, zz_unknown: 'x' },
      });
      if (expected === 204) {
        expect([res.status, res.text]).toEqual([204, '']);
      } else {
        expect([200, 202]).toContain(res.status);
        expect(res.json.warnings).toContain(UNKNOWN);
      }
    });

    it('refuses mount and tune settings Vault honours but vault-dev does not implement, instead of a silent 204', async () => {
      if (isRealVault) return; // a real Vault honours them.
      const tune = await vault.root$('POST', '/v1/sys/auth/userpass/tune', {
        listing_visibility: 'unauth',
        token_type: 'batch',
      });
      expect([tune.status, tune.json]).toEqual([
        400,
        {
          errors: [
            'vault-dev does not implement these tune settings: [listing_visibility token_type]',
          ],
        },
      ]);
      const mount = await vault.root$('POST', '/v1/sys/mounts/u136cfg', {
        type: 'kv',
        config: { passthrough_request_headers: ['X-Custom'] },
      });
      expect(mount.status).toBe(400);
      // Defaults and empty values pass, as clients often send them.
      const defaults = await vault.root$('POST', '/v1/sys/auth/userpass/tune', {
        listing_visibility: '',
        token_type: 'default-service',
      });
      expect(defaults.status).toBe(204);
    });

    it('refuses token-role fields vault-dev does not implement with a 400', async () => {
      if (isRealVault) return; // a real Vault honours token roles.
      const res = await vault.root$('POST', '/v1/auth/token/create', {
        entity_alias: 'someone',
      });
      expect(res.status).toBe(400);
    });
  });
});
