/**
 * Conformance: KV v2 (vault-api.md §3, §13 #37–#59).
 */
import {
  ACL_DENIED,
  startTestVault,
  tokenWithPolicy,
  type TestVault,
  itDevOnly,
} from '../support/vault-http';

const INVALID_PATH =
  "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

describe('vault-dev KV v2', () => {
  let vault: TestVault;
  const write = (path: string, body: unknown) =>
    vault.root$('POST', `/v1/secret/data/${path}`, body);
  const read = (path: string) => vault.root$('GET', `/v1/secret/data/${path}`);

  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it('[#37] answers a never-written path with 404 {"errors":[]}', async () => {
    const res = await read('nope');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ errors: [] });
  });

  itDevOnly(
    '[#38] answers the first write with version 1 metadata',
    async () => {
      const res = await write('first', { data: { k: 'v' } });
      expect(res.status).toBe(200);
      expect(res.json.data).toEqual({
        created_time: expect.stringMatching(/^2026-01-01T12:00:00Z$/),
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      });
    },
  );

  it('[#39] refuses a write without data with "no data provided"', async () => {
    const res = await write('first', { k: 'v' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: ['no data provided'] });
  });

  it('[#40] returns data exactly as written, nested JSON included, with version metadata', async () => {
    const data = {
      s: 'x',
      n: 1.5,
      b: false,
      nested: { list: [1, { deep: null }], empty: {} },
    };
    await write('nested', { data });
    const res = await read('nested');
    expect(res.json.data).toEqual({
      data,
      metadata: {
        created_time: expect.any(String),
        custom_metadata: null,
        deletion_time: '',
        destroyed: false,
        version: 1,
      },
    });
  });

  it('[#41] bumps the version on each write and serves ?version=N; an absent version is 404', async () => {
    await write('versions', { data: { v: 1 } });
    const second = await write('versions', { data: { v: 2 } });
    expect(second.json.data.version).toBe(2);
    const v1 = await vault.root$('GET', '/v1/secret/data/versions?version=1');
    expect(v1.json.data.data).toEqual({ v: 1 });
    const v9 = await vault.root$('GET', '/v1/secret/data/versions?version=9');
    expect(v9.status).toBe(404);
    expect(v9.json).toEqual({ errors: [] });
  });

  it('[#42] rejects a cas mismatch with the CAS error', async () => {
    await write('cas', { data: { v: 1 } });
    const res = await write('cas', { data: { v: 2 }, options: { cas: 5 } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errors: ['check-and-set parameter did not match the current version'],
    });
    expect(
      (await write('cas', { data: { v: 2 }, options: { cas: 1 } })).json.data
        .version,
    ).toBe(2);
  });

  it('[#43] lets cas:0 create a new key and refuses it on an existing key', async () => {
    expect(
      (await write('cas0', { data: { v: 1 }, options: { cas: 0 } })).status,
    ).toBe(200);
    const again = await write('cas0', { data: { v: 2 }, options: { cas: 0 } });
    expect(again.status).toBe(400);
    expect(again.json.errors).toEqual([
      'check-and-set parameter did not match the current version',
    ]);
  });

  it('[#44] requires cas when the key or the engine has cas_required', async () => {
    await vault.root$('POST', '/v1/secret/metadata/strict', {
      cas_required: true,
    });
    const res = await write('strict', { data: { v: 1 } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errors: ['check-and-set parameter required for this call'],
    });
    expect(
      (await write('strict', { data: { v: 1 }, options: { cas: 0 } })).status,
    ).toBe(200);
  });

  itDevOnly(
    '[#45] soft-deletes with 204 and then answers the 404 envelope with data:null and no errors key',
    async () => {
      await write('soft', { data: { v: 1 } });
      const del = await vault.root$('DELETE', '/v1/secret/data/soft');
      expect(del.status).toBe(204);
      const res = await read('soft');
      expect(res.status).toBe(404);
      expect(res.json).not.toHaveProperty('errors');
      expect(res.json.request_id).toEqual(expect.any(String));
      expect(res.json.data.data).toBeNull();
      expect(res.json.data.metadata).toEqual(
        expect.objectContaining({
          deletion_time: '2026-01-01T12:00:00Z',
          destroyed: false,
          version: 1,
        }),
      );
    },
  );

  it('[#46] soft-deletes chosen versions and requires at least one version number', async () => {
    await write('pick', { data: { v: 1 } });
    await write('pick', { data: { v: 2 } });
    expect(
      (await vault.root$('POST', '/v1/secret/delete/pick', { versions: [1] }))
        .status,
    ).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/secret/data/pick?version=1')).status,
    ).toBe(404);
    expect(
      (await vault.root$('GET', '/v1/secret/data/pick?version=2')).status,
    ).toBe(200);
    const none = await vault.root$('POST', '/v1/secret/delete/pick', {
      versions: [],
    });
    expect(none.status).toBe(400);
    expect(none.json).toEqual({ errors: ['No version number provided'] });
  });

  it('[#47] undeletes a version so it reads again', async () => {
    await write('undo', { data: { v: 1 } });
    await vault.root$('DELETE', '/v1/secret/data/undo');
    expect(
      (await vault.root$('POST', '/v1/secret/undelete/undo', { versions: [1] }))
        .status,
    ).toBe(204);
    expect((await read('undo')).json.data.data).toEqual({ v: 1 });
  });

  it('[#48] destroys a version for good: 404 envelope with destroyed:true', async () => {
    await write('gone', { data: { v: 1 } });
    expect(
      (await vault.root$('PUT', '/v1/secret/destroy/gone', { versions: [1] }))
        .status,
    ).toBe(204);
    const res = await read('gone');
    expect(res.status).toBe(404);
    expect(res.json.data.metadata.destroyed).toBe(true);
    expect(
      (await vault.root$('POST', '/v1/secret/undelete/gone', { versions: [1] }))
        .status,
    ).toBe(204);
    expect((await read('gone')).status).toBe(404);
  });

  it('[#49] lists leaves and folders under metadata/', async () => {
    await write('tree/a', { data: { v: 1 } });
    await write('tree/dir/b', { data: { v: 1 } });
    const res = await vault.call('LIST', '/v1/secret/metadata/tree/', {
      token: vault.root,
    });
    expect(res.json.data.keys).toEqual(['a', 'dir/']);
  });

  it('[#50] answers LIST on a nonexistent prefix with 404 {"errors":[]}', async () => {
    const res = await vault.call(
      'LIST',
      '/v1/secret/metadata/no-such-prefix/',
      { token: vault.root },
    );
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ errors: [] });
  });

  it('[#51] keeps soft-deleted and destroyed keys listed until their metadata is deleted', async () => {
    await write('kept/soft', { data: { v: 1 } });
    await write('kept/destroyed', { data: { v: 1 } });
    await vault.root$('DELETE', '/v1/secret/data/kept/soft');
    await vault.root$('PUT', '/v1/secret/destroy/kept/destroyed', {
      versions: [1],
    });
    expect(
      (
        await vault.call('LIST', '/v1/secret/metadata/kept', {
          token: vault.root,
        })
      ).json.data.keys,
    ).toEqual(['destroyed', 'soft']);
    await vault.root$('DELETE', '/v1/secret/metadata/kept/soft');
    expect(
      (
        await vault.call('LIST', '/v1/secret/metadata/kept', {
          token: vault.root,
        })
      ).json.data.keys,
    ).toEqual(['destroyed']);
  });

  itDevOnly(
    '[#52] reads key metadata with every field and per-version entries',
    async () => {
      await write('meta', { data: { v: 1 } });
      await write('meta', { data: { v: 2 } });
      const res = await vault.root$('GET', '/v1/secret/metadata/meta');
      expect(res.json.data).toEqual({
        cas_required: false,
        created_time: '2026-01-01T12:00:00Z',
        current_version: 2,
        custom_metadata: null,
        delete_version_after: '0s',
        max_versions: 0,
        oldest_version: 0,
        updated_time: '2026-01-01T12:00:00Z',
        versions: {
          '1': {
            created_time: '2026-01-01T12:00:00Z',
            deletion_time: '',
            destroyed: false,
          },
          '2': {
            created_time: '2026-01-01T12:00:00Z',
            deletion_time: '',
            destroyed: false,
          },
        },
      });
    },
  );

  it('[#53] deletes all versions with the metadata; both reads then 404 {"errors":[]}', async () => {
    await write('wipe', { data: { v: 1 } });
    expect(
      (await vault.root$('DELETE', '/v1/secret/metadata/wipe')).status,
    ).toBe(204);
    for (const path of ['/v1/secret/data/wipe', '/v1/secret/metadata/wipe']) {
      const res = await vault.root$('GET', path);
      expect([res.status, res.json]).toEqual([404, { errors: [] }]);
    }
  });

  it('[#54] writes metadata fields and reflects them; enforces custom_metadata limits', async () => {
    const res = await vault.root$('POST', '/v1/secret/metadata/configured', {
      max_versions: 3,
      cas_required: true,
      delete_version_after: '1h',
      custom_metadata: { owner: 'team-a' },
    });
    expect(res.status).toBe(204);
    const meta = (await vault.root$('GET', '/v1/secret/metadata/configured'))
      .json.data;
    expect(meta).toEqual(
      expect.objectContaining({
        max_versions: 3,
        cas_required: true,
        delete_version_after: '1h0m0s',
        custom_metadata: { owner: 'team-a' },
        current_version: 0,
      }),
    );
    const tooLong = await vault.root$(
      'POST',
      '/v1/secret/metadata/configured',
      { custom_metadata: { ['k'.repeat(129)]: 'v' } },
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors[0]).toMatch(
      /^custom_metadata validation failed: /,
    );
    const tooMany = await vault.root$(
      'POST',
      '/v1/secret/metadata/configured',
      {
        custom_metadata: Object.fromEntries(
          Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v']),
        ),
      },
    );
    expect(tooMany.status).toBe(400);
  });

  itDevOnly(
    '[#54] sets a future deletion_time from delete_version_after, and the version reads until then',
    async () => {
      await vault.root$('POST', '/v1/secret/metadata/expiring', {
        delete_version_after: '10s',
      });
      const written = await write('expiring', { data: { v: 1 } });
      expect(written.json.data.deletion_time).toBe('2026-01-01T12:00:10Z');
      expect((await read('expiring')).status).toBe(200);
      vault.clock.advanceSeconds(11);
      expect((await read('expiring')).status).toBe(404);
    },
  );

  it('[#55] PATCH merges into the current version and returns the new version; absent key 404', async () => {
    await write('patchy', { data: { keep: 1, change: 'a', drop: true } });
    const res = await vault.call('PATCH', '/v1/secret/data/patchy', {
      token: vault.root,
      body: { data: { change: 'b', drop: null, added: { x: 1 } } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(res.status).toBe(200);
    expect(res.json.data.version).toBe(2);
    expect((await read('patchy')).json.data.data).toEqual({
      keep: 1,
      change: 'b',
      added: { x: 1 },
    });
    const absent = await vault.call('PATCH', '/v1/secret/data/absent', {
      token: vault.root,
      body: { data: { a: 1 } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(absent.status).toBe(404);
  });

  it('[#56] with default config the 11th write removes version 1 and sets oldest_version to 2', async () => {
    for (let i = 1; i <= 11; i++) await write('pruned', { data: { i } });
    const meta = (await vault.root$('GET', '/v1/secret/metadata/pruned')).json
      .data;
    expect(meta.oldest_version).toBe(2);
    expect(Object.keys(meta.versions)).toHaveLength(10);
    expect(meta.versions['1']).toBeUndefined();
    expect(
      (await vault.root$('GET', '/v1/secret/data/pruned?version=1')).status,
    ).toBe(404);
  });

  it('[#57] reads and writes the engine config', async () => {
    const before = await vault.root$('GET', '/v1/secret/config');
    expect(before.json.data).toEqual({
      cas_required: false,
      delete_version_after: '0s',
      max_versions: 0,
    });
    expect(
      (await vault.root$('POST', '/v1/secret/config', { max_versions: 5 }))
        .status,
    ).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/secret/config')).json.data.max_versions,
    ).toBe(5);
    await vault.root$('POST', '/v1/secret/config', { max_versions: 0 });
  });

  it('[#58] answers a path outside data/ with the invalid-path 404 envelope and warning', async () => {
    const res = await vault.root$('GET', '/v1/secret/foo');
    expect(res.status).toBe(404);
    expect(res.json).not.toHaveProperty('errors');
    expect(res.json.data).toBeNull();
    expect(res.json.warnings).toEqual([INVALID_PATH]);
  });

  it('serves the subkeys of a secret with null leaves', async () => {
    await write('sub', { data: { a: 1, b: { c: 2 } } });
    const res = await vault.root$('GET', '/v1/secret/subkeys/sub');
    expect(res.json.data.subkeys).toEqual({ a: null, b: { c: null } });
  });

  describe('[#59] ACL mapping', () => {
    let createOnly: string;
    let readUpdate: string;
    let lister: string;
    beforeAll(async () => {
      createOnly = await tokenWithPolicy(
        vault,
        'kv-create',
        'path "secret/data/acl/*" { capabilities = ["create"] }',
      );
      readUpdate = await tokenWithPolicy(
        vault,
        'kv-rw',
        'path "secret/data/acl/*" { capabilities = ["read", "update"] }',
      );
      lister = await tokenWithPolicy(
        vault,
        'kv-list',
        'path "secret/metadata/acl/*" { capabilities = ["list"] }',
      );
    });

    it('[#59] lets `create` write a new key but not overwrite it', async () => {
      const first = await vault.call('POST', '/v1/secret/data/acl/new', {
        token: createOnly,
        body: { data: { v: 1 } },
      });
      expect(first.status).toBe(200);
      const second = await vault.call('POST', '/v1/secret/data/acl/new', {
        token: createOnly,
        body: { data: { v: 2 } },
      });
      expect([second.status, second.json]).toEqual([403, ACL_DENIED]);
    });

    it('[#59] lets `update` overwrite an existing key but not create one, and `read` read it', async () => {
      const overwrite = await vault.call('POST', '/v1/secret/data/acl/new', {
        token: readUpdate,
        body: { data: { v: 3 } },
      });
      expect(overwrite.status).toBe(200);
      const create = await vault.call('POST', '/v1/secret/data/acl/other', {
        token: readUpdate,
        body: { data: { v: 1 } },
      });
      expect(create.status).toBe(403);
      expect(
        (
          await vault.call('GET', '/v1/secret/data/acl/new', {
            token: readUpdate,
          })
        ).json.data.data,
      ).toEqual({ v: 3 });
    });

    it('[#59] needs `list` on secret/metadata/..., not on data/', async () => {
      expect(
        (
          await vault.call('LIST', '/v1/secret/metadata/acl/', {
            token: lister,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await vault.call('LIST', '/v1/secret/metadata/acl/', {
            token: readUpdate,
          })
        ).status,
      ).toBe(403);
    });
  });
});

describe('vault-dev KV v2 number fidelity', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it("returns integers above 2^53 exactly as written, like Vault's json.Number", async () => {
    const body =
      '{"data":{"big":12345678901234567890,"neg":-9007199254740993,"small":42}}';
    const write = await vault.call('POST', '/v1/secret/data/numbers', {
      token: vault.root,
      rawBody: body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(write.status).toBe(200);
    const read = await vault.root$('GET', '/v1/secret/data/numbers');
    expect(read.text).toContain(
      '"data":{"big":12345678901234567890,"neg":-9007199254740993,"small":42}',
    );
  });
});
