/**
 * Conformance: sys endpoints and policy management (vault-api.md §2, §13 #23–#36).
 */
import {
  itDevOnly,
  startTestVault,
  tokenWithPolicy,
  type TestVault,
} from '../support/vault-http';

const HCL =
  'path "secret/data/wallet/*" {\n  capabilities = ["create", "read", "update"]\n}\n';

describe('vault-dev sys', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  itDevOnly('[#23] serves sys/health without a token as raw JSON', async () => {
    const res = await vault.call('GET', '/v1/sys/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(
      expect.objectContaining({
        initialized: true,
        sealed: false,
        standby: false,
        server_time_utc: Date.UTC(2026, 0, 1, 12) / 1000,
        version: expect.any(String),
      }),
    );
    expect(res.json).not.toHaveProperty('request_id');
  });

  it('[#24] honours activecode, rejects non-integer codes with 400, and answers HEAD without a body', async () => {
    expect(
      (await vault.call('GET', '/v1/sys/health?activecode=299')).status,
    ).toBe(299);
    const bad = await vault.call('GET', '/v1/sys/health?sealedcode=abc');
    expect([bad.status, bad.json]).toEqual([400, { errors: [] }]);
    const head = await vault.call('HEAD', '/v1/sys/health?activecode=204');
    expect(head.status).toBe(204);
    expect(head.text).toBe('');
  });

  it('[#25] serves sys/seal-status without a token', async () => {
    const res = await vault.call('GET', '/v1/sys/seal-status');
    expect(res.json).toEqual(
      expect.objectContaining({
        type: 'shamir',
        initialized: true,
        sealed: false,
        t: 1,
        n: 1,
        progress: 0,
        nonce: '',
        version: expect.any(String),
      }),
    );
  });

  itDevOnly(
    '[#24][#26] when sealed answers 503 "Vault is sealed" and health 503 (or sealedcode), until unsealed with the key',
    async () => {
      expect((await vault.root$('PUT', '/v1/sys/seal')).status).toBe(204);
      const blocked = await vault.root$('GET', '/v1/secret/config');
      expect([blocked.status, blocked.json]).toEqual([
        503,
        { errors: ['Vault is sealed'] },
      ]);
      expect((await vault.call('GET', '/v1/sys/health')).status).toBe(503);
      expect(
        (await vault.call('GET', '/v1/sys/health?sealedcode=200')).status,
      ).toBe(200);
      // http/handler.go mounts sys/init and sys/leader outside the sealed check (ha.go: Leader
      // reports ErrHANotEnabled before it looks at the seal).
      expect((await vault.call('GET', '/v1/sys/init')).json).toEqual({
        initialized: true,
      });
      expect((await vault.call('GET', '/v1/sys/leader')).json).toEqual(
        expect.objectContaining({ ha_enabled: false }),
      );
      expect(
        (await vault.call('PUT', '/v1/sys/unseal', { body: { key: 'wrong' } }))
          .status,
      ).toBe(400);
      const unsealed = await vault.call('PUT', '/v1/sys/unseal', {
        body: { key: vault.server.unsealKey },
      });
      expect(unsealed.json.sealed).toBe(false);
      expect((await vault.root$('GET', '/v1/secret/config')).status).toBe(200);
    },
  );

  it('[#27] mounts KV v2 with options.version 2 or type kv-v2, and the mount serves KV v2', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/sys/mounts/kv2a', {
          type: 'kv',
          options: { version: '2' },
        })
      ).status,
    ).toBe(204);
    expect(
      (await vault.root$('POST', '/v1/sys/mounts/kv2b', { type: 'kv-v2' }))
        .status,
    ).toBe(204);
    for (const mount of ['kv2a', 'kv2b']) {
      const w = await vault.root$('POST', `/v1/${mount}/data/x`, {
        data: { a: 1 },
      });
      expect(w.json.data.version).toBe(1);
    }
    const info = await vault.root$('GET', '/v1/sys/mounts/kv2b');
    expect(info.json.data).toEqual(
      expect.objectContaining({ type: 'kv', options: { version: '2' } }),
    );
  });

  it('[#28] refuses a mount on a used path with 409', async () => {
    const res = await vault.root$('POST', '/v1/sys/mounts/secret', {
      type: 'kv',
      options: { version: '2' },
    });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ errors: ['path is already in use at secret/'] });
  });

  it('refuses a mount without a type, and an unknown type', async () => {
    const none = await vault.root$('POST', '/v1/sys/mounts/typeless', {});
    expect(none.json).toEqual({
      errors: ['backend type must be specified as a string'],
    });
    expect(
      (await vault.root$('POST', '/v1/sys/mounts/weird', { type: 'nope' }))
        .status,
    ).toBe(400);
  });

  it('[#29] enables approle with 204, and needs sudo for non-root tokens', async () => {
    const noSudo = await tokenWithPolicy(
      vault,
      'auth-no-sudo',
      'path "sys/auth/*" { capabilities = ["create", "update", "read", "delete"] }',
    );
    const denied = await vault.call('POST', '/v1/sys/auth/approle', {
      token: noSudo,
      body: { type: 'approle' },
    });
    expect(denied.status).toBe(403);
    const sudo = await tokenWithPolicy(
      vault,
      'auth-sudo',
      'path "sys/auth/*" { capabilities = ["create", "update", "read", "delete", "sudo"] }',
    );
    const ok = await vault.call('POST', '/v1/sys/auth/approle', {
      token: sudo,
      body: { type: 'approle' },
    });
    expect(ok.status).toBe(204);
    const again = await vault.root$('POST', '/v1/sys/auth/approle', {
      type: 'approle',
    });
    expect([again.status, again.json]).toEqual([
      409,
      { errors: ['path is already in use at approle/'] },
    ]);
  });

  it('[#30] lists approle/ in sys/auth with an auth_approle_<8hex> accessor, in data and at the top level', async () => {
    const res = await vault.root$('GET', '/v1/sys/auth');
    expect(res.json.data['approle/'].accessor).toMatch(
      /^auth_approle_[0-9a-f]{8}$/,
    );
    expect(res.json['approle/']).toEqual(res.json.data['approle/']);
    expect(res.json.data['token/'].config.token_type).toBe('default-service');
  });

  it('[#31] lists secret/ in sys/mounts as kv version 2, in data and at the top level', async () => {
    const res = await vault.root$('GET', '/v1/sys/mounts');
    expect(res.json.data['secret/']).toEqual(
      expect.objectContaining({
        type: 'kv',
        options: { version: '2' },
        accessor: expect.stringMatching(/^kv_[0-9a-f]{8}$/),
      }),
    );
    expect(res.json['secret/']).toEqual(res.json.data['secret/']);
  });

  it('tunes and disables a mount', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/sys/mounts/kv2a/tune', {
          max_lease_ttl: '1h',
        })
      ).status,
    ).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/sys/mounts/kv2a/tune')).json.data
        .max_lease_ttl,
    ).toBe(3600);
    expect((await vault.root$('DELETE', '/v1/sys/mounts/kv2a')).status).toBe(
      204,
    );
    expect((await vault.root$('GET', '/v1/kv2a/data/x')).status).toBe(404);
  });

  it('serves sys/internal/ui/mounts/<path> without a token (KV version detection)', async () => {
    const res = await vault.call('GET', '/v1/sys/internal/ui/mounts/secret');
    expect(res.json.data).toEqual(
      expect.objectContaining({
        path: 'secret/',
        type: 'kv',
        options: { version: '2' },
      }),
    );
  });

  it('[#32] writes a policy with 204 and reads it back as written', async () => {
    expect(
      (await vault.root$('PUT', '/v1/sys/policies/acl/wallet', { policy: HCL }))
        .status,
    ).toBe(204);
    const res = await vault.root$('GET', '/v1/sys/policies/acl/wallet');
    expect(res.json.data).toEqual({ name: 'wallet', policy: HCL });
    expect(res.json).not.toHaveProperty('name');
    const list = await vault.call('LIST', '/v1/sys/policies/acl', {
      token: vault.root,
    });
    expect(list.json.data.keys).toEqual(
      expect.arrayContaining(['default', 'root', 'wallet']),
    );
  });

  it('[#33] accepts base64 policy text and lower-cases names with a warning', async () => {
    const res = await vault.root$('PUT', '/v1/sys/policies/acl/Upper', {
      policy: Buffer.from(HCL).toString('base64'),
    });
    expect(res.status).toBe(200);
    expect(res.json.warnings).toEqual(['policy name was converted to upper']);
    expect(
      (await vault.root$('GET', '/v1/sys/policies/acl/upper')).json.data.policy,
    ).toBe(HCL);
  });

  it.each([
    ['unparseable HCL', 'path "x" { capabilities = [ }'],
    ['an unknown capability', 'path "x" { capabilities = ["foo"] }'],
    ['an unknown key', 'path "x" { capabilities = ["read"] colour = "red" }'],
  ])(
    '[#34] refuses %s with 400 "failed to parse policy:"',
    async (_label, policy) => {
      const res = await vault.root$('PUT', '/v1/sys/policies/acl/broken', {
        policy,
      });
      expect(res.status).toBe(400);
      expect(res.json.errors[0]).toMatch(/^failed to parse policy: /);
    },
  );

  it('[#34] names the invalid capability', async () => {
    const res = await vault.root$('PUT', '/v1/sys/policies/acl/broken', {
      policy: 'path "x" { capabilities = ["foo"] }',
    });
    expect(res.json.errors).toEqual([
      'failed to parse policy: path "x": invalid capability "foo"',
    ]);
  });

  it('refuses unbalanced templating in a policy path', async () => {
    const res = await vault.root$('PUT', '/v1/sys/policies/acl/tpl', {
      policy:
        'path "secret/{{identity.entity.id}/*" { capabilities = ["read"] }',
    });
    expect(res.json.errors).toEqual([
      'failed to validate policy templating: unbalanced templating characters',
    ]);
  });

  it.each([
    ['DELETE', 'default', 'cannot delete default policy'],
    ['DELETE', 'root', 'cannot delete "root" policy'],
    ['PUT', 'root', 'cannot update "root" policy'],
  ])('[#35] refuses %s of %s with 400', async (method, name, message) => {
    const res = await vault.root$(
      method,
      `/v1/sys/policies/acl/${name}`,
      method === 'PUT' ? { policy: HCL } : undefined,
    );
    expect([res.status, res.json]).toEqual([400, { errors: [message] }]);
  });

  it('[#35] refuses an empty policy', async () => {
    const res = await vault.root$('PUT', '/v1/sys/policies/acl/empty', {
      policy: '',
    });
    expect(res.json).toEqual({
      errors: ["'policy' parameter not supplied or empty"],
    });
  });

  it('[#36] serves the legacy sys/policy endpoints with rules, keys and policies at the top level', async () => {
    expect(
      (await vault.root$('PUT', '/v1/sys/policy/legacy', { rules: HCL }))
        .status,
    ).toBe(204);
    const one = await vault.root$('GET', '/v1/sys/policy/legacy');
    expect(one.json.data).toEqual({ name: 'legacy', rules: HCL });
    expect(one.json.rules).toBe(HCL);
    const all = await vault.root$('GET', '/v1/sys/policy');
    expect(all.json.policies).toEqual(
      expect.arrayContaining(['legacy', 'default', 'root']),
    );
    expect(all.json.keys).toEqual(all.json.policies);
    expect((await vault.root$('DELETE', '/v1/sys/policy/legacy')).status).toBe(
      204,
    );
    expect((await vault.root$('GET', '/v1/sys/policy/legacy')).status).toBe(
      404,
    );
  });

  it('answers capabilities-self per path, with `capabilities` for a single path, injected at the top level', async () => {
    const token = await tokenWithPolicy(vault, 'caps', HCL);
    const res = await vault.call('POST', '/v1/sys/capabilities-self', {
      token,
      body: { paths: ['secret/data/wallet/a', 'secret/data/other'] },
    });
    expect(res.json.data).toEqual({
      'secret/data/wallet/a': ['create', 'read', 'update'],
      'secret/data/other': ['deny'],
    });
    const single = await vault.call('POST', '/v1/sys/capabilities-self', {
      token,
      body: { path: 'secret/data/wallet/a' },
    });
    expect(single.json.capabilities).toEqual(['create', 'read', 'update']);
    const none = await vault.call('POST', '/v1/sys/capabilities-self', {
      token,
      body: {},
    });
    expect(none.json).toEqual({ errors: ['paths must be supplied'] });
  });
});

describe('vault-dev kv version 1 mounts', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it('serves an unversioned KV at a `kv` mount without a version option', async () => {
    expect(
      (await vault.root$('POST', '/v1/sys/mounts/kv1', { type: 'kv' })).status,
    ).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/sys/mounts')).json.data['kv1/'].options,
    ).toEqual({ version: '1' });
    expect(
      (await vault.root$('POST', '/v1/kv1/app/db', { password: 'x' })).status,
    ).toBe(204);
    expect((await vault.root$('GET', '/v1/kv1/app/db')).json.data).toEqual({
      password: 'x',
    });
    expect(
      (await vault.call('LIST', '/v1/kv1/app', { token: vault.root })).json.data
        .keys,
    ).toEqual(['db']);
    expect((await vault.root$('DELETE', '/v1/kv1/app/db')).status).toBe(204);
    expect((await vault.root$('GET', '/v1/kv1/app/db')).status).toBe(404);
  });
});
