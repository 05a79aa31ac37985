/**
 * Conformance: ACL matching, priority, templating and the default policy
 * (vault-api.md §6, §13 #90–#98, #94–#95 through real AppRole logins, #99).
 */
import {
  ACL_DENIED,
  startTestVault,
  tokenWithPolicy,
  type TestVault,
} from '../support/vault-http';

describe('vault-dev ACL', () => {
  let vault: TestVault;
  const can = async (
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<number> =>
    (await vault.call(method, path, { token, body })).status;

  beforeAll(async () => {
    vault = await startTestVault();
    for (const p of [
      'a',
      'a/b',
      'a/b/c',
      'x/1/y',
      'x/1/z',
      'x/2/y',
      'dir/one',
      'p/secret',
      'p/public',
    ]) {
      await vault.root$('POST', `/v1/secret/data/${p}`, { data: { p } });
    }
  });
  afterAll(() => vault.server.stop());

  it('[#90] lets an exact rule match only that path', async () => {
    const t = await tokenWithPolicy(
      vault,
      'exact',
      'path "secret/data/a" { capabilities = ["read"] }',
    );
    expect(await can(t, 'GET', '/v1/secret/data/a')).toBe(200);
    expect(await can(t, 'GET', '/v1/secret/data/a/b')).toBe(403);
  });

  it('[#91] lets a trailing * match every path with that prefix', async () => {
    const t = await tokenWithPolicy(
      vault,
      'glob',
      'path "secret/data/a*" { capabilities = ["read"] }',
    );
    expect(await can(t, 'GET', '/v1/secret/data/a')).toBe(200);
    expect(await can(t, 'GET', '/v1/secret/data/a/b/c')).toBe(200);
    expect(await can(t, 'GET', '/v1/secret/data/x/1/y')).toBe(403);
  });

  it('[#92] lets + match exactly one segment', async () => {
    const t = await tokenWithPolicy(
      vault,
      'plus',
      'path "secret/data/x/+/y" { capabilities = ["read"] }',
    );
    expect(await can(t, 'GET', '/v1/secret/data/x/1/y')).toBe(200);
    expect(await can(t, 'GET', '/v1/secret/data/x/2/y')).toBe(200);
    expect(await can(t, 'GET', '/v1/secret/data/x/1/z')).toBe(403);
    expect(await can(t, 'GET', '/v1/secret/data/a/b/c')).toBe(403);
  });

  it('[#93] applies only the highest-priority matching rule (longer glob beats shorter)', async () => {
    const t = await tokenWithPolicy(
      vault,
      'prio',
      'path "secret/data/*" { capabilities = ["read"] }\npath "secret/data/p/*" { capabilities = ["list"] }',
    );
    expect(await can(t, 'GET', '/v1/secret/data/a')).toBe(200);
    // The more specific rule has no read, and rules are never combined across patterns.
    expect(await can(t, 'GET', '/v1/secret/data/p/secret')).toBe(403);
  });

  it('[#93] prefers a later first wildcard, then non-glob over glob', async () => {
    const t = await tokenWithPolicy(
      vault,
      'prio2',
      'path "secret/data/x/+/y" { capabilities = ["deny"] }\npath "secret/data/+/1/*" { capabilities = ["read"] }\npath "secret/data/x/*" { capabilities = ["read"] }',
    );
    // "secret/data/x/*" has its first wildcard later than "secret/data/+/1/*"; x/+/y is later still and not a glob.
    expect(await can(t, 'GET', '/v1/secret/data/x/1/y')).toBe(403);
    expect(await can(t, 'GET', '/v1/secret/data/x/1/z')).toBe(200);
  });

  it('[#93] unions the same pattern across policies, and deny wins', async () => {
    await vault.root$('PUT', '/v1/sys/policies/acl/u1', {
      policy: 'path "secret/data/a" { capabilities = ["read"] }',
    });
    await vault.root$('PUT', '/v1/sys/policies/acl/u2', {
      policy: 'path "secret/data/a" { capabilities = ["update"] }',
    });
    await vault.root$('PUT', '/v1/sys/policies/acl/u3', {
      policy: 'path "secret/data/a" { capabilities = ["deny"] }',
    });
    const both = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['u1', 'u2'],
      })
    ).json.auth.client_token;
    expect(await can(both, 'GET', '/v1/secret/data/a')).toBe(200);
    expect(
      await can(both, 'PUT', '/v1/secret/data/a', { data: { v: 2 } }),
    ).toBe(200);
    const denied = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['u1', 'u3'],
      })
    ).json.auth.client_token;
    const res = await vault.call('GET', '/v1/secret/data/a', { token: denied });
    expect([res.status, res.json]).toEqual([403, ACL_DENIED]);
  });

  it('[#96] lets the default policy look up, renew and revoke itself; no_default_policy removes that', async () => {
    const t = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['exact'],
        ttl: '1h',
      })
    ).json.auth.client_token;
    expect(await can(t, 'GET', '/v1/auth/token/lookup-self')).toBe(200);
    expect(await can(t, 'POST', '/v1/auth/token/renew-self')).toBe(200);
    const bare = (
      await vault.root$('POST', '/v1/auth/token/create', {
        policies: ['exact'],
        no_default_policy: true,
      })
    ).json.auth.client_token;
    expect(await can(bare, 'GET', '/v1/auth/token/lookup-self')).toBe(403);
    expect(await can(t, 'POST', '/v1/auth/token/revoke-self')).toBe(204);
  });

  it('[#97] accepts JSON policy syntax', async () => {
    const t = await tokenWithPolicy(
      vault,
      'json',
      JSON.stringify({ path: { 'secret/data/a': { capabilities: ['read'] } } }),
    );
    expect(await can(t, 'GET', '/v1/secret/data/a')).toBe(200);
  });

  it('[#98] allows a LIST on secret/metadata/dir/ through an exact rule on secret/metadata/dir', async () => {
    const t = await tokenWithPolicy(
      vault,
      'listdir',
      'path "secret/metadata/dir" { capabilities = ["list"] }',
    );
    const res = await vault.call('LIST', '/v1/secret/metadata/dir', {
      token: t,
    });
    expect(res.status).toBe(200);
    expect(res.json.data.keys).toEqual(['one']);
  });

  it('requires sudo on root-protected paths even with the operation capability', async () => {
    const t = await tokenWithPolicy(
      vault,
      'nosudo',
      'path "sys/auth/*" { capabilities = ["create", "update"] }',
    );
    expect(
      await can(t, 'POST', '/v1/sys/auth/userpass', { type: 'userpass' }),
    ).toBe(403);
  });

  describe('templating through AppRole logins', () => {
    let accessor: string;
    let roleId: string;
    const login = async (): Promise<{ token: string; entityId: string }> => {
      const secret = (
        await vault.root$('POST', '/v1/auth/approle/role/tenant/secret-id')
      ).json.data.secret_id;
      const res = await vault.call('POST', '/v1/auth/approle/login', {
        body: { role_id: roleId, secret_id: secret },
      });
      if (res.status !== 200) throw new Error(res.text);
      return {
        token: res.json.auth.client_token,
        entityId: res.json.auth.entity_id,
      };
    };

    beforeAll(async () => {
      await vault.root$('POST', '/v1/sys/auth/approle', { type: 'approle' });
      accessor = (await vault.root$('GET', '/v1/sys/auth')).json.data[
        'approle/'
      ].accessor;
      await vault.root$('PUT', '/v1/sys/policies/acl/tpl', {
        policy: [
          'path "secret/data/ent/{{identity.entity.id}}/*" { capabilities = ["create", "read", "update"] }',
          `path "secret/data/role/{{identity.entity.aliases.${accessor}.name}}/*" { capabilities = ["create", "read", "update"] }`,
          'path "secret/data/meta/{{identity.entity.metadata.missing}}/*" { capabilities = ["read"] }',
        ].join('\n'),
      });
      await vault.root$('POST', '/v1/auth/approle/role/tenant', {
        token_policies: ['tpl'],
        token_ttl: '1h',
      });
      roleId = (
        await vault.root$('GET', '/v1/auth/approle/role/tenant/role-id')
      ).json.data.role_id;
    });

    it("[#94] resolves {{identity.entity.id}} to the token's entity", async () => {
      const { token, entityId } = await login();
      expect(
        await can(token, 'POST', `/v1/secret/data/ent/${entityId}/k`, {
          data: { v: 1 },
        }),
      ).toBe(200);
      expect(
        await can(token, 'POST', '/v1/secret/data/ent/someone-else/k', {
          data: { v: 1 },
        }),
      ).toBe(403);
    });

    it('[#94] silently drops a rule whose template cannot resolve', async () => {
      const { token } = await login();
      expect(await can(token, 'GET', '/v1/secret/data/meta/x/y')).toBe(403);
      const caps = await vault.call('POST', '/v1/sys/capabilities-self', {
        token,
        body: { path: 'secret/data/meta/x/y' },
      });
      expect(caps.json.capabilities).toEqual(['deny']);
    });

    it('[#95] resolves {{identity.entity.aliases.<approle accessor>.name}} to the role_id', async () => {
      const { token } = await login();
      expect(
        await can(token, 'POST', `/v1/secret/data/role/${roleId}/k`, {
          data: { v: 1 },
        }),
      ).toBe(200);
      expect(
        await can(token, 'POST', '/v1/secret/data/role/other-role/k', {
          data: { v: 1 },
        }),
      ).toBe(403);
    });

    it('[#99] a login creates an entity with an alias on the approle accessor, reused by the next login', async () => {
      const first = await login();
      const second = await login();
      expect(first.entityId).toBe(second.entityId);
      const lookup = await vault.call('GET', '/v1/auth/token/lookup-self', {
        token: first.token,
      });
      expect(lookup.json.data.entity_id).toBe(first.entityId);
      const entity = await vault.root$(
        'GET',
        `/v1/identity/entity/id/${first.entityId}`,
      );
      expect(entity.json.data.aliases).toEqual([
        expect.objectContaining({ mount_accessor: accessor, name: roleId }),
      ]);
    });

    it('refuses the tokens of a disabled entity with 403, and serves them again once re-enabled', async () => {
      const { token, entityId } = await login();
      expect(await can(token, 'GET', '/v1/auth/token/lookup-self')).toBe(200);
      await vault.root$('POST', `/v1/identity/entity/id/${entityId}`, {
        disabled: true,
      });
      const res = await vault.call('GET', '/v1/auth/token/lookup-self', {
        token,
      });
      expect([res.status, res.json]).toEqual([
        403,
        { errors: ['permission denied'] },
      ]);
      await vault.root$('POST', `/v1/identity/entity/id/${entityId}`, {
        disabled: false,
      });
      expect(await can(token, 'GET', '/v1/auth/token/lookup-self')).toBe(200);
    });
  });
});

describe('vault-dev ACL parameter constraints over HTTP', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
  });
  afterAll(() => vault.server.stop());

  it('lets a provisioner create userpass users only with the allowed policy, as deploy/vault/policies intends', async () => {
    const token = await tokenWithPolicy(
      vault,
      'provisioner',
      'path "auth/userpass/users/*" {\n  capabilities = ["create", "update"]\n  allowed_parameters = {\n    "password" = []\n    "token_policies" = ["tenant-login"]\n  }\n}\n',
    );
    const ok = await vault.call('POST', '/v1/auth/userpass/users/alice', {
      token,
      body: { password: 'pw', token_policies: 'tenant-login' },
    });
    expect(ok.status).toBe(204);
    const escalate = await vault.call(
      'POST',
      '/v1/auth/userpass/users/mallory',
      { token, body: { password: 'pw', token_policies: 'root' } },
    );
    expect([escalate.status, escalate.json]).toEqual([403, ACL_DENIED]);
    const extra = await vault.call('POST', '/v1/auth/userpass/users/mallory', {
      token,
      body: { password: 'pw', token_num_uses: 0 },
    });
    expect(extra.status).toBe(403);
  });
});
