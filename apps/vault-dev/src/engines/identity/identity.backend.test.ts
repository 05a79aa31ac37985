import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import {
  VaultError,
  type Backend,
  type BackendResponse,
  type CallerToken,
} from '../../core/backend';
import {
  backendRequest,
  createFakeCore,
  type FakeCore,
} from '../../../test/fakes/fake-core-services';
import { createIdentityBackend } from './identity.backend';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

const mount = { path: 'identity/', accessor: 'identity_0a1b2c3d', options: {} };
const rq = (
  op: Parameters<typeof backendRequest>[0],
  path: string,
  data: Record<string, unknown> = {},
  caller: CallerToken | null = null,
) =>
  backendRequest(op, path, data, {
    mountPath: mount.path,
    mountAccessor: mount.accessor,
    caller,
  });

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

function rawOf(res: BackendResponse): {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
} {
  if (res.kind !== 'raw') throw new Error(`expected raw, got ${res.kind}`);
  return res as {
    status: number;
    body: Record<string, unknown>;
    headers?: Record<string, string>;
  };
}

/** Verifies a compact JWS against a JWKS independently of the engine's own code. */
function verifyWithJwks(
  token: string,
  keys: JsonWebKey[],
): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const jwk = keys.find((k) => k.kid === header['kid']);
  if (!jwk) throw new Error('kid not in JWKS');
  const hash = header['alg'] === 'EdDSA' ? null : 'sha256';
  const ok = verify(
    hash,
    Buffer.from(`${h}.${p}`),
    {
      key: createPublicKey({ key: jwk, format: 'jwk' }),
      dsaEncoding: 'ieee-p1363',
    },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Error('signature does not verify');
  return {
    header,
    claims: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<
      string,
      unknown
    >,
  };
}

describe('identity engine', () => {
  let core: FakeCore;
  let backend: Backend;
  let caller: CallerToken;

  beforeEach(() => {
    core = createFakeCore({ apiAddress: 'http://127.0.0.1:8200' });
    backend = createIdentityBackend(core, mount);
    const entity = core.identity.createEntity({
      name: 'tenant-acme',
      metadata: { tenant_id: 'acme' },
    });
    caller = {
      id: 'hvs.x',
      accessor: 'acc',
      policies: ['tenant'],
      entityId: entity.id,
      isRoot: false,
    };
  });

  async function jwks(): Promise<JsonWebKey[]> {
    return rawOf(await backend.handle(rq('read', 'oidc/.well-known/keys')))
      .body['keys'] as JsonWebKey[];
  }

  it('creates, reads, renames, lists and deletes entities', async () => {
    const created = dataOf(
      await backend.handle(
        rq('update', 'entity', {
          name: 'svc',
          metadata: { team: 'a' },
          policies: 'p1,p2',
        }),
      ),
    );
    expect(created).toEqual({
      id: expect.any(String),
      name: 'svc',
      aliases: null,
    });
    expect(
      await backend.handle(
        rq('update', 'entity', { name: 'svc', disabled: true }),
      ),
    ).toEqual({ kind: 'empty' });
    const read = dataOf(
      await backend.handle(rq('read', `entity/id/${created.id as string}`)),
    );
    expect(read).toMatchObject({
      name: 'svc',
      metadata: { team: 'a' },
      policies: ['p1', 'p2'],
      disabled: true,
      aliases: [],
      namespace_id: 'root',
    });
    await backend.handle(rq('update', `entity/name/svc`, { name: 'svc2' }));
    expect(
      dataOf(await backend.handle(rq('list', 'entity/name/'))).keys,
    ).toEqual(['svc2', 'tenant-acme']);
    const byId = dataOf(await backend.handle(rq('list', 'entity/id/')));
    expect(byId.key_info).toMatchObject({
      [created.id as string]: { name: 'svc2' },
    });
    await backend.handle(rq('delete', `entity/id/${created.id as string}`));
    expect(
      (
        await failure(
          backend.handle(rq('read', `entity/id/${created.id as string}`)),
        )
      ).status,
    ).toBe(404);
  });

  it('creates an entity when writing entity/name/:name for a new name', async () => {
    const res = dataOf(
      await backend.handle(
        rq('update', 'entity/name/fresh', { metadata: { tenant_id: 't1' } }),
      ),
    );
    expect(res).toEqual({
      id: expect.any(String),
      name: 'fresh',
      aliases: null,
    });
    expect(
      dataOf(await backend.handle(rq('read', 'entity/name/fresh'))).metadata,
    ).toEqual({ tenant_id: 't1' });
  });

  it('creates aliases, refuses duplicates and finds entities by alias (§7 lookup)', async () => {
    const res = dataOf(
      await backend.handle(
        rq('update', 'entity-alias', {
          name: 'alice',
          canonical_id: caller.entityId,
          mount_accessor: 'auth_userpass_5e6f7a8b',
        }),
      ),
    );
    expect(res).toEqual({
      id: expect.any(String),
      canonical_id: caller.entityId,
    });
    const dup = await failure(
      backend.handle(
        rq('update', 'entity-alias', {
          name: 'alice',
          mount_accessor: 'auth_userpass_5e6f7a8b',
        }),
      ),
    );
    expect(dup.status).toBe(400);
    const alias = dataOf(
      await backend.handle(rq('read', `entity-alias/id/${res.id as string}`)),
    );
    expect(alias).toMatchObject({
      name: 'alice',
      mount_path: 'auth/userpass/',
      mount_type: 'userpass',
      canonical_id: caller.entityId,
    });
    const found = dataOf(
      await backend.handle(
        rq('update', 'lookup/entity', {
          alias_name: 'alice',
          alias_mount_accessor: 'auth_userpass_5e6f7a8b',
        }),
      ),
    );
    expect(found).toMatchObject({ id: caller.entityId, name: 'tenant-acme' });
    expect(
      await backend.handle(rq('update', 'lookup/entity', { name: 'nobody' })),
    ).toEqual({ kind: 'empty' });
    expect(
      (
        await failure(
          backend.handle(
            rq('update', 'entity-alias', {
              name: 'x',
              mount_accessor: 'bogus',
            }),
          ),
        )
      ).status,
    ).toBe(400);
  });

  it('defaults a named key to RS256 and refuses tokens for clients it does not allow (checklist 100)', async () => {
    await backend.handle(rq('create', 'oidc/key/k', {}));
    expect(dataOf(await backend.handle(rq('read', 'oidc/key/k')))).toEqual({
      algorithm: 'RS256',
      rotation_period: 86400,
      verification_ttl: 86400,
      allowed_client_ids: [],
    });
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k' }));
    const err = await failure(
      backend.handle(rq('read', 'oidc/token/r', {}, caller)),
    );
    expect([err.status, err.errors]).toEqual([
      400,
      [
        'the key "k" does not list the client ID of the role "r" as an allowed client ID',
      ],
    ]);
  });

  it('issues a token whose claims and kid verify against the published JWKS (checklist 101-103)', async () => {
    await backend.handle(
      rq('create', 'oidc/key/agent', {
        allowed_client_ids: '*',
        algorithm: 'RS256',
      }),
    );
    await backend.handle(
      rq('create', 'oidc/role/tenant', {
        key: 'agent',
        ttl: '1h',
        client_id: 'agent-client',
        template:
          '{"tenant_id": {{identity.entity.metadata.tenant_id}}, "n": {{identity.entity.name}} }',
      }),
    );
    const data = dataOf(
      await backend.handle(rq('read', 'oidc/token/tenant', {}, caller)),
    );
    expect(data).toMatchObject({ client_id: 'agent-client', ttl: 3600 });
    const { header, claims } = verifyWithJwks(
      data.token as string,
      await jwks(),
    );
    const iat = Math.floor(core.now() / 1000);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String) });
    expect(claims).toEqual({
      iss: 'http://127.0.0.1:8200/v1/identity/oidc',
      sub: caller.entityId,
      aud: 'agent-client',
      iat,
      exp: iat + 3600,
      namespace: 'root',
      tenant_id: 'acme',
      n: 'tenant-acme',
    });
  });

  it('refuses token generation for a token without an entity (checklist 104)', async () => {
    await backend.handle(rq('create', 'oidc/role/r', { key: 'default' }));
    const root = { ...caller, entityId: '', isRoot: true };
    const err = await failure(
      backend.handle(rq('read', 'oidc/token/r', {}, root)),
    );
    expect([err.status, err.errors]).toEqual([
      400,
      ["no entity associated with the request's token"],
    ]);
    expect(
      (
        await failure(
          backend.handle(rq('read', 'oidc/token/missing', {}, caller)),
        )
      ).errors,
    ).toEqual(['role "missing" not found']);
  });

  it.each([
    [{ key: 'nokey' }, 'cannot find key "nokey"'],
    [
      { key: 'default', template: '{"sub": "x"}' },
      'top level key "sub" not allowed',
    ],
    [
      { key: 'default', template: '{"a": {{identity.entity.bogus}} }' },
      'error parsing template',
    ],
    [
      { key: 'default', ttl: '48h' },
      "a role's token ttl cannot be longer than the verification_ttl of the key it references",
    ],
  ])(
    'refuses the role write %j (checklist 106, 107)',
    async (body, message) => {
      const err = await failure(
        backend.handle(rq('create', 'oidc/role/bad', body)),
      );
      expect(err.status).toBe(400);
      expect(err.errors[0]).toContain(message);
    },
  );

  it('accepts a base64 template', async () => {
    await backend.handle(
      rq('create', 'oidc/role/b', {
        key: 'default',
        template: Buffer.from(
          '{"t": {{identity.entity.metadata.tenant_id}} }',
        ).toString('base64'),
      }),
    );
    const { token } = dataOf(
      await backend.handle(rq('read', 'oidc/token/b', {}, caller)),
    );
    expect(verifyWithJwks(token as string, await jwks()).claims['t']).toBe(
      'acme',
    );
  });

  it.each([
    ['ES256', { kty: 'EC', crv: 'P-256' }],
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
  ])(
    'publishes %s keys as their JWK type and signs verifiable tokens (checklist 107)',
    async (algorithm, shape) => {
      await backend.handle(
        rq('create', 'oidc/key/k', { algorithm, allowed_client_ids: ['*'] }),
      );
      await backend.handle(rq('create', 'oidc/role/r', { key: 'k' }));
      const keys = await jwks();
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatchObject({ ...shape, use: 'sig', alg: algorithm });
      expect(keys[0]).not.toHaveProperty('d');
      const { token } = dataOf(
        await backend.handle(rq('read', 'oidc/token/r', {}, caller)),
      );
      expect(verifyWithJwks(token as string, keys).header['alg']).toBe(
        algorithm,
      );
    },
  );

  it('keeps a rotated key verifiable until its verification_ttl ends', async () => {
    await backend.handle(
      rq('create', 'oidc/key/k', {
        allowed_client_ids: '*',
        rotation_period: '1h',
        verification_ttl: '2h',
        algorithm: 'ES256',
      }),
    );
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k', ttl: '1h' }));
    const { token: before } = dataOf(
      await backend.handle(rq('read', 'oidc/token/r', {}, caller)),
    );
    await backend.handle(rq('update', 'oidc/key/k/rotate'));
    const { token: after } = dataOf(
      await backend.handle(rq('read', 'oidc/token/r', {}, caller)),
    );
    const kid = (t: unknown) =>
      JSON.parse(Buffer.from(String(t).split('.')[0], 'base64url').toString())
        .kid;
    expect(kid(after)).not.toBe(kid(before));
    expect(verifyWithJwks(before as string, await jwks()).claims['sub']).toBe(
      caller.entityId,
    );
    core.advance(2 * 3600 * 1000 + 1);
    expect((await jwks()).map((k) => k.kid)).not.toContain(kid(before));
  });

  it('rotates a due key once even when several token requests arrive together', async () => {
    await backend.handle(
      rq('create', 'oidc/key/k', {
        algorithm: 'ES256',
        allowed_client_ids: '*',
        rotation_period: '1m',
        verification_ttl: '10m',
      }),
    );
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k', ttl: '1m' }));
    const before = (await jwks()).map((k) => k.kid);
    core.advance(61_000);
    const tokens = await Promise.all(
      [1, 2, 3].map(() =>
        backend.handle(rq('read', 'oidc/token/r', {}, caller)),
      ),
    );
    const keys = await jwks();
    // The old signing key (retired), the promoted next key (now signing) and one new next key.
    expect(keys).toHaveLength(3);
    expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining(before));
    for (const t of tokens) verifyWithJwks(dataOf(t).token as string, keys);
    // The persisted ring too: a single retired version, not one per concurrent request.
    const ring = core.state<{ keys: Record<string, { retired: unknown[] }> }>(
      () => ({ keys: {} }),
    ).keys['k'];
    expect(ring.retired).toHaveLength(1);
  });

  it('publishes no keys while no role references one, and serves discovery as raw JSON (checklist 103)', async () => {
    await backend.handle(
      rq('create', 'oidc/key/unused', { algorithm: 'EdDSA' }),
    );
    expect(
      rawOf(await backend.handle(rq('read', 'oidc/.well-known/keys'))).body,
    ).toEqual({ keys: [] });
    const disco = rawOf(
      await backend.handle(rq('read', 'oidc/.well-known/openid-configuration')),
    );
    expect(disco.body).toMatchObject({
      issuer: 'http://127.0.0.1:8200/v1/identity/oidc',
      jwks_uri: 'http://127.0.0.1:8200/v1/identity/oidc/.well-known/keys',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
    });
    expect(disco.headers).toEqual({ 'Cache-Control': 'max-age=3600' });
    expect(backend.unauthenticatedPaths).toEqual(['oidc/.well-known/*']);
  });

  it('uses a configured issuer in tokens and discovery, and refuses an issuer with a path', async () => {
    await backend.handle(
      rq('update', 'oidc/config', { issuer: 'https://vault.example.com' }),
    );
    expect(dataOf(await backend.handle(rq('read', 'oidc/config')))).toEqual({
      issuer: 'https://vault.example.com',
    });
    await backend.handle(
      rq('create', 'oidc/key/k', {
        algorithm: 'EdDSA',
        allowed_client_ids: '*',
      }),
    );
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k' }));
    const { token } = dataOf(
      await backend.handle(rq('read', 'oidc/token/r', {}, caller)),
    );
    expect(verifyWithJwks(token as string, await jwks()).claims['iss']).toBe(
      'https://vault.example.com/v1/identity/oidc',
    );
    const disco = rawOf(
      await backend.handle(rq('read', 'oidc/.well-known/openid-configuration')),
    );
    expect(disco.body['issuer']).toBe(
      'https://vault.example.com/v1/identity/oidc',
    );
    expect(
      (
        await failure(
          backend.handle(
            rq('update', 'oidc/config', {
              issuer: 'https://x.example/some/path',
            }),
          ),
        )
      ).status,
    ).toBe(400);
  });

  it('refuses to delete a key that a role still references', async () => {
    await backend.handle(rq('create', 'oidc/key/k', { algorithm: 'EdDSA' }));
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k' }));
    const err = await failure(backend.handle(rq('delete', 'oidc/key/k')));
    expect(err.errors).toEqual([
      'unable to delete key "k" because it is currently referenced by these roles: r',
    ]);
    await backend.handle(rq('delete', 'oidc/role/r'));
    expect(await backend.handle(rq('delete', 'oidc/key/k'))).toEqual({
      kind: 'empty',
    });
  });

  it('introspects live, tampered, expired and orphaned tokens (checklist 105)', async () => {
    await backend.handle(
      rq('create', 'oidc/key/k', {
        algorithm: 'EdDSA',
        allowed_client_ids: '*',
      }),
    );
    await backend.handle(rq('create', 'oidc/role/r', { key: 'k', ttl: '10m' }));
    const { token } = dataOf(
      await backend.handle(rq('read', 'oidc/token/r', {}, caller)),
    );
    const check = async (t: string) =>
      rawOf(await backend.handle(rq('update', 'oidc/introspect', { token: t })))
        .body;
    expect(await check(token as string)).toEqual({ active: true });
    expect((await check('not-a-jwt')).error).toMatch(/^error parsing token: /);
    const [h, , s] = String(token).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: caller.entityId })).toString('base64url')}.${s}`;
    expect(await check(forged)).toEqual({
      active: false,
      error: 'unable to validate the token signature',
    });
    core.identity.updateEntity(caller.entityId, { disabled: true });
    expect(await check(token as string)).toEqual({
      active: false,
      error: 'entity is disabled',
    });
    core.advance(11 * 60 * 1000);
    expect((await check(token as string)).error).toMatch(
      /^error validating claims: /,
    );
  });
});
