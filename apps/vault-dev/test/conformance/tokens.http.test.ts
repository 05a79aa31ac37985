/**
 * Conformance: the token store (vault-api.md §5, §13 #79–#89).
 */
import {
  itDevOnly,
  PERMISSION_DENIED,
  startTestVault,
  type TestVault,
} from '../support/vault-http';

describe('vault-dev tokens', () => {
  let vault: TestVault;
  const create = async (body: Record<string, unknown>) => {
    const res = await vault.root$('POST', '/v1/auth/token/create', body);
    if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
    return res.json.auth as {
      client_token: string;
      accessor: string;
      lease_duration: number;
      policies: string[];
    };
  };
  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('PUT', '/v1/sys/policies/acl/p', {
      policy:
        'path "secret/*" { capabilities = ["read"] }\npath "auth/token/create" { capabilities = ["update"] }',
    });
  });
  afterAll(() => vault.server.stop());

  itDevOnly('[#79] looks up itself with every documented field', async () => {
    const { client_token } = await create({ policies: ['p'], ttl: '1h' });
    const res = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: client_token,
    });
    expect(res.json.data).toEqual(
      expect.objectContaining({
        accessor: expect.any(String),
        creation_time: Date.UTC(2026, 0, 1, 12) / 1000,
        creation_ttl: 3600,
        display_name: 'token',
        entity_id: '',
        expire_time: '2026-01-01T13:00:00Z',
        explicit_max_ttl: 0,
        id: client_token,
        issue_time: '2026-01-01T12:00:00Z',
        meta: null,
        num_uses: 0,
        orphan: false,
        path: 'auth/token/create',
        policies: ['default', 'p'],
        renewable: true,
        ttl: 3600,
        type: 'service',
      }),
    );
    expect(client_token).toMatch(/^hvs\./);
  });

  it('[#80] renews itself with an increment, and accepts an empty body', async () => {
    const { client_token } = await create({ policies: ['p'], ttl: '10m' });
    const res = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: client_token,
      body: { increment: '1h' },
    });
    expect(res.status).toBe(200);
    expect(res.json.auth).toEqual(
      expect.objectContaining({
        client_token,
        lease_duration: 3600,
        renewable: true,
        token_type: 'service',
      }),
    );
    const empty = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: client_token,
    });
    expect(empty.status).toBe(200);
    expect(empty.json.auth.lease_duration).toBe(600);
  });

  itDevOnly(
    "[#81] caps a renewal at the max TTL with Vault's warning",
    async () => {
      const { client_token } = await create({
        policies: ['p'],
        ttl: '10m',
        explicit_max_ttl: '1h',
      });
      vault.clock.advanceSeconds(20);
      const res = await vault.call('PUT', '/v1/auth/token/renew-self', {
        token: client_token,
        body: { increment: 7200 },
      });
      expect(res.json.auth.lease_duration).toBe(3580);
      expect(res.json.warnings).toEqual([
        'TTL of "2h" exceeded the effective max_ttl of "59m40s"; TTL value is capped accordingly',
      ]);
    },
  );

  itDevOnly(
    '[#82] refuses every request once the TTL has elapsed',
    async () => {
      const { client_token } = await create({ policies: ['p'], ttl: '30s' });
      expect(
        (
          await vault.call('GET', '/v1/auth/token/lookup-self', {
            token: client_token,
          })
        ).status,
      ).toBe(200);
      vault.clock.advanceSeconds(31);
      const res = await vault.call('GET', '/v1/auth/token/lookup-self', {
        token: client_token,
      });
      expect([res.status, res.json]).toEqual([403, PERMISSION_DENIED]);
    },
  );

  it('[#83] revokes itself with 204 and is refused afterwards, together with its children', async () => {
    const parent = await create({ policies: ['p'] });
    const child = (
      await vault.call('POST', '/v1/auth/token/create', {
        token: parent.client_token,
        body: { policies: ['p'] },
      })
    ).json.auth.client_token;
    expect(
      (
        await vault.call('POST', '/v1/auth/token/revoke-self', {
          token: parent.client_token,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: parent.client_token,
        })
      ).status,
    ).toBe(403);
    expect(
      (await vault.call('GET', '/v1/auth/token/lookup-self', { token: child }))
        .status,
    ).toBe(403);
  });

  it('[#84] creates a token with default added, the TTL applied, and a warning for an unknown policy', async () => {
    const res = await vault.root$('POST', '/v1/auth/token/create', {
      policies: ['p', 'ghost'],
      ttl: '1h',
    });
    expect(res.json.auth.policies).toEqual(['default', 'ghost', 'p']);
    expect(res.json.auth.lease_duration).toBe(3600);
    expect(res.json.warnings).toEqual(['Policy "ghost" does not exist']);
  });

  it("refuses child policies outside the parent's", async () => {
    const parent = await create({ policies: ['p'] });
    const res = await vault.call('POST', '/v1/auth/token/create', {
      token: parent.client_token,
      body: { policies: ['other'] },
    });
    expect(res.json).toEqual({
      errors: ['child policies must be subset of parent'],
    });
  });

  it('makes a child of the root token without policies a root token that never expires', async () => {
    const { client_token, lease_duration, policies } = await create({});
    expect([lease_duration, policies]).toEqual([0, ['root']]);
    const lookup = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: client_token,
    });
    expect(lookup.json.data.expire_time).toBeNull();
  });

  it('[#85] works num_uses times and then is refused', async () => {
    const { client_token } = await create({ policies: ['p'], num_uses: 2 });
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: client_token,
        })
      ).json.data.num_uses,
    ).toBe(1);
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: client_token,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: client_token,
        })
      ).json,
    ).toEqual(PERMISSION_DENIED);
  });

  it('[#86] issues batch tokens with hvb., no accessor, and refuses to renew them', async () => {
    const res = await vault.root$('POST', '/v1/auth/token/create', {
      policies: ['p'],
      type: 'batch',
      ttl: '1h',
    });
    expect(res.json.auth.client_token).toMatch(/^hvb\./);
    expect(res.json.auth.accessor).toBe('');
    expect(res.json.auth.token_type).toBe('batch');
    const renew = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: res.json.auth.client_token,
    });
    expect([renew.status, renew.json]).toEqual([
      400,
      { errors: ['batch tokens cannot be renewed'] },
    ]);
  });

  it('[#87] refuses to renew a non-renewable token', async () => {
    const { client_token } = await create({
      policies: ['p'],
      renewable: false,
    });
    const res = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: client_token,
    });
    expect([res.status, res.json]).toEqual([
      400,
      { errors: ['lease is not renewable'] },
    ]);
  });

  it('[#88] shows the root token with ttl 0, expire_time null, policies [root]; renew-self is an invalid lease', async () => {
    const res = await vault.root$('GET', '/v1/auth/token/lookup-self');
    expect(res.json.data).toEqual(
      expect.objectContaining({
        ttl: 0,
        expire_time: null,
        policies: ['root'],
        path: 'auth/token/root',
      }),
    );
    const renew = await vault.root$('POST', '/v1/auth/token/renew-self');
    expect(renew.json).toEqual({ errors: ['invalid lease ID'] });
  });

  itDevOnly(
    '[#89] looks up, renews and revokes by accessor; an unknown token lookup is "bad token"',
    async () => {
      const { client_token, accessor } = await create({
        policies: ['p'],
        ttl: '5m',
      });
      const look = await vault.root$('POST', '/v1/auth/token/lookup-accessor', {
        accessor,
      });
      expect(look.json.data).toEqual(
        expect.objectContaining({ id: '', accessor, ttl: 300 }),
      );
      const renew = await vault.root$('POST', '/v1/auth/token/renew-accessor', {
        accessor,
        increment: '10m',
      });
      expect(renew.json.auth).toEqual(
        expect.objectContaining({ client_token: '', lease_duration: 600 }),
      );
      expect(
        (
          await vault.root$('POST', '/v1/auth/token/revoke-accessor', {
            accessor,
          })
        ).status,
      ).toBe(204);
      expect(
        (
          await vault.call('GET', '/v1/auth/token/lookup-self', {
            token: client_token,
          })
        ).status,
      ).toBe(403);
      const bad = await vault.root$('POST', '/v1/auth/token/lookup', {
        token: 'hvs.nope',
      });
      expect([bad.status, bad.json]).toEqual([403, { errors: ['bad token'] }]);
    },
  );

  it('creates orphans through create-orphan, and revoke-orphan keeps the children alive', async () => {
    const orphan = (
      await vault.root$('POST', '/v1/auth/token/create-orphan', {
        policies: ['p'],
      })
    ).json.auth;
    expect(orphan.orphan).toBe(true);
    const parent = await create({ policies: ['p'] });
    const child = (
      await vault.call('POST', '/v1/auth/token/create', {
        token: parent.client_token,
        body: { policies: ['p'] },
      })
    ).json.auth;
    expect(child.orphan).toBe(false);
    expect(
      (
        await vault.root$('POST', '/v1/auth/token/revoke-orphan', {
          token: parent.client_token,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await vault.call('GET', '/v1/auth/token/lookup-self', {
          token: parent.client_token,
        })
      ).status,
    ).toBe(403);
    const lookup = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: child.client_token,
    });
    expect(lookup.json.data.orphan).toBe(true);
  });

  it('reserves id, no_parent and period for root or sudo callers', async () => {
    const parent = await create({ policies: ['p'] });
    for (const body of [
      { id: 'chosen' },
      { no_parent: true },
      { period: '1h' },
    ]) {
      const res = await vault.call('POST', '/v1/auth/token/create', {
        token: parent.client_token,
        body: { policies: ['p'], ...body },
      });
      expect(res.status).toBe(400);
      expect(res.json.errors[0]).toMatch(/^root or sudo privileges required/);
    }
    const chosen = await vault.root$('POST', '/v1/auth/token/create', {
      id: 'hvs.chosen-by-root',
      policies: ['p'],
    });
    expect(chosen.json.auth.client_token).toBe('hvs.chosen-by-root');
  });

  it('lists accessors only with sudo', async () => {
    const res = await vault.call('LIST', '/v1/auth/token/accessors', {
      token: vault.root,
    });
    expect(res.json.data.keys.length).toBeGreaterThan(0);
    const { client_token } = await create({ policies: ['p'] });
    expect(
      (
        await vault.call('LIST', '/v1/auth/token/accessors', {
          token: client_token,
        })
      ).status,
    ).toBe(403);
  });
});

describe('vault-dev cubbyhole', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it('gives each token its own private space through the default policy', async () => {
    const create = async () =>
      (
        await vault.root$('POST', '/v1/auth/token/create', {
          policies: ['default'],
        })
      ).json.auth.client_token as string;
    const [a, b] = [await create(), await create()];
    expect(
      (
        await vault.call('POST', '/v1/cubbyhole/note', {
          token: a,
          body: { v: 'a' },
        })
      ).status,
    ).toBe(204);
    expect(
      (await vault.call('GET', '/v1/cubbyhole/note', { token: a })).json.data,
    ).toEqual({ v: 'a' });
    expect(
      (await vault.call('GET', '/v1/cubbyhole/note', { token: b })).status,
    ).toBe(404);
    expect(
      (await vault.call('LIST', '/v1/cubbyhole/', { token: a })).json.data.keys,
    ).toEqual(['note']);
    expect(
      (await vault.root$('GET', '/v1/sys/mounts')).json.data['cubbyhole/'].type,
    ).toBe('cubbyhole');
  });
});
