import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { VaultError, type Backend } from '../../core/backend';
import {
  backendRequest,
  createFakeCore,
  type FakeCore,
} from '../../../test/fakes/fake-core-services';
import { createJwtBackend } from './jwt.backend';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

const mount = { path: 'auth/jwt/', accessor: 'auth_jwt_9c0d1e2f', options: {} };
const rq = (
  op: Parameters<typeof backendRequest>[0],
  path: string,
  data: Record<string, unknown> = {},
  extra = {},
) =>
  backendRequest(op, path, data, {
    mountPath: mount.path,
    mountAccessor: mount.accessor,
    ...extra,
  });
const ISSUER = 'https://issuer.example';

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VaultError) return e;
    throw e;
  }
  throw new Error('expected a VaultError');
}

function ecKey(): { privateKey: KeyObject; publicKey: KeyObject; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  return {
    privateKey,
    publicKey,
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('JWT auth method', () => {
  const signer = ecKey();
  let core: FakeCore;
  let backend: Backend;
  let nowS: number;

  function token(
    claims: Record<string, unknown>,
    options: { key?: KeyObject; kid?: string; alg?: jwt.Algorithm } = {},
  ): string {
    const key = options.key ?? signer.privateKey;
    const payload = Object.fromEntries(
      Object.entries({
        iss: ISSUER,
        sub: 'user-1',
        aud: 'agent',
        iat: nowS,
        exp: nowS + 300,
        ...claims,
      }).filter(([, v]) => v !== undefined),
    );
    // jsonwebtoken stamps iat from the real clock unless told not to; tests control every time claim.
    return jwt.sign(payload, key.export({ type: 'pkcs8', format: 'pem' }), {
      algorithm: options.alg ?? 'ES256',
      noTimestamp: payload['iat'] === undefined,
      ...(options.kid ? { keyid: options.kid } : {}),
    });
  }

  const login = (jwtText: string, role = 'tenant') =>
    backend.handle(rq('update', 'login', { role, jwt: jwtText }));

  beforeEach(async () => {
    core = createFakeCore();
    nowS = Math.floor(core.now() / 1000);
    backend = createJwtBackend(core, mount);
    await backend.handle(
      rq('update', 'config', {
        jwt_validation_pubkeys: [signer.pem],
        bound_issuer: ISSUER,
      }),
    );
    await backend.handle(
      rq('create', 'role/tenant', {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_audiences: 'agent',
        claim_mappings: { tenant_id: 'tenant' },
        token_policies: 'tenant',
        token_ttl: '15m',
      }),
    );
  });

  it('logs in with a valid JWT: metadata has the role and mapped claims, the alias is the user claim (checklist 110)', async () => {
    const res = await login(token({ tenant_id: 'acme' }));
    expect(res).toEqual({
      kind: 'login',
      login: expect.objectContaining({
        policies: ['tenant'],
        metadata: { role: 'tenant', tenant: 'acme' },
        alias: { name: 'user-1', metadata: { role: 'tenant', tenant: 'acme' } },
        displayName: 'user-1',
        ttlSeconds: 900,
      }),
    });
  });

  it.each([
    [{}, SOURCES_TEXT()],
    [
      { jwt_validation_pubkeys: ['x'], jwks_url: 'http://127.0.0.1:1/keys' },
      SOURCES_TEXT(),
    ],
    [{ jwt_validation_pubkeys: ['not a pem'] }, 'error parsing public key: '],
  ])('refuses a config %j (checklist 108)', async (body, message) => {
    const err = await failure(backend.handle(rq('update', 'config', body)));
    expect(err.status).toBe(400);
    expect(err.errors[0]).toContain(message);
  });

  it.each([
    [
      { user_claim: 'sub', bound_audiences: 'a' },
      "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
    ],
    [
      { role_type: 'jwt', bound_audiences: 'a' },
      'a user claim must be defined on the role',
    ],
    [
      { role_type: 'jwt', user_claim: 'sub' },
      'must have at least one bound constraint when creating/updating a role',
    ],
    [
      {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_subject: 's',
        token_ttl: '2h',
        token_max_ttl: '1h',
      },
      'ttl should not be greater than max ttl',
    ],
    [
      {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_subject: 's',
        claim_mappings: { a: 'role' },
      },
      'metadata key "role" is reserved',
    ],
  ])('refuses the role %j (checklist 109)', async (body, message) => {
    const err = await failure(backend.handle(rq('create', 'role/bad', body)));
    expect(err.status).toBe(400);
    expect(err.errors[0]).toContain(message);
  });

  it('refuses a JWT login on an oidc role (checklist 109)', async () => {
    await backend.handle(
      rq('create', 'role/web', {
        user_claim: 'sub',
        allowed_redirect_uris: 'https://app/cb',
      }),
    );
    const err = await failure(login(token({}), 'web'));
    expect([err.status, err.errors]).toEqual([
      400,
      ['role with oidc role_type is not allowed'],
    ]);
  });

  it.each([
    [
      'an expired token beyond the 60 s skew (checklist 111)',
      () => token({ exp: nowS - 61 }),
      'error validating token: invalid expiration time (exp) claim: token is expired',
    ],
    [
      'a foreign audience (checklist 112)',
      () => token({ aud: 'other' }),
      'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
    ],
    [
      'a foreign issuer (checklist 114)',
      () => token({ iss: 'https://evil' }),
      'error validating token: invalid issuer (iss) claim',
    ],
    [
      'a token from another key (checklist 114)',
      () => token({}, { key: ecKey().privateKey }),
      'error validating token: error verifying token signature: no known key successfully validated the token signature',
    ],
    [
      'an HS256 token (alg confusion)',
      () => jwt.sign({ sub: 'x' }, signer.pem, { algorithm: 'HS256' }),
      'error validating token: error verifying token signature: no known key successfully validated the token signature',
    ],
    [
      'a token without time claims',
      () => token({ iat: undefined, exp: undefined }),
      'error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token',
    ],
    [
      'a token not yet valid',
      () => token({ nbf: nowS + 120 }),
      'error validating token: invalid not before (nbf) claim: token not yet valid',
    ],
    [
      'a token issued in the future',
      () => token({ iat: nowS + 120 }),
      'error validating token: invalid issued at (iat) claim: token issued in the future',
    ],
    [
      'a token without the user claim',
      () => token({ sub: undefined }),
      'claim "sub" not found in token',
    ],
    [
      'a token whose user claim is not a string',
      () => token({ sub: 42 }),
      'claim "sub" could not be converted to string',
    ],
    [
      'a malformed token',
      () => 'abc.def',
      'error validating token: error verifying token signature: malformed token: expected 3 parts',
    ],
  ])('refuses %s with the exact Vault text', async (_case, make, message) => {
    const err = await failure(login(make()));
    expect([err.status, err.errors]).toEqual([400, [message]]);
  });

  it('accepts a token expired by less than the clock-skew leeway', async () => {
    expect((await login(token({ exp: nowS - 30 }))).kind).toBe('login');
  });

  it('refuses login before configuration, without role, with an unknown role or without a token', async () => {
    expect((await failure(login(token({}), ''))).errors).toEqual([
      'missing role',
    ]);
    expect((await failure(login(token({}), 'ghost'))).errors).toEqual([
      'role "ghost" could not be found',
    ]);
    expect((await failure(login('', 'tenant'))).errors).toEqual([
      'missing token',
    ]);
    const fresh = createJwtBackend(createFakeCore(), mount);
    expect(
      (
        await failure(
          fresh.handle(rq('update', 'login', { role: 'tenant', jwt: 'x' })),
        )
      ).errors,
    ).toEqual(['could not load configuration']);
  });

  it('checks bound claims, including lists and globs (checklist 113)', async () => {
    await backend.handle(
      rq('create', 'role/ops', {
        role_type: 'jwt',
        user_claim: 'email',
        bound_audiences: 'agent',
        bound_claims: { groups: ['ops', 'admins'], email: '*@corp.example' },
        bound_claims_type: 'glob',
      }),
    );
    expect(
      (
        await login(
          token({ groups: ['dev', 'ops'], email: 'a@corp.example' }),
          'ops',
        )
      ).kind,
    ).toBe('login');
    expect(
      (
        await failure(
          login(token({ groups: ['dev'], email: 'a@corp.example' }), 'ops'),
        )
      ).errors,
    ).toEqual([
      'error validating claims: claim "groups" does not match any associated bound claim values',
    ]);
    expect(
      (await failure(login(token({ email: 'a@corp.example' }), 'ops'))).errors,
    ).toEqual(['error validating claims: claim "groups" is missing']);
  });

  it('refuses a token with an audience when the role binds none (checklist 115)', async () => {
    await backend.handle(
      rq('create', 'role/noaud', {
        role_type: 'jwt',
        user_claim: 'sub',
        bound_subject: 'user-1',
      }),
    );
    expect((await failure(login(token({}), 'noaud'))).errors).toEqual([
      'audience claim found in JWT but no audiences bound to the role',
    ]);
    expect((await login(token({ aud: undefined }), 'noaud')).kind).toBe(
      'login',
    );
  });

  it('refuses algorithms outside jwt_supported_algs', async () => {
    await backend.handle(
      rq('update', 'config', {
        jwt_validation_pubkeys: [signer.pem],
        bound_issuer: ISSUER,
        jwt_supported_algs: 'RS256',
      }),
    );
    expect((await failure(login(token({})))).errors).toEqual([
      'error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm',
    ]);
  });

  describe('with a JWKS URL', () => {
    let server: http.Server;
    let served: { kid: string; key: KeyObject }[];
    let hits = 0;
    let url = '';

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/idp/.well-known/openid-configuration') {
          // cap's NewOIDCDiscoveryKeySet: the issuer must equal the configured URL.
          res.end(
            JSON.stringify({
              issuer: url.replace(/\/keys$/, '/idp'),
              jwks_uri: url,
            }),
          );
          return;
        }
        hits += 1;
        res.end(
          JSON.stringify({
            keys: served.map(({ kid, key }) => ({
              ...key.export({ format: 'jwk' }),
              kid,
              use: 'sig',
              alg: 'ES256',
            })),
          }),
        );
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
    });

    afterAll(
      () => new Promise<void>((resolve) => server.close(() => resolve())),
    );

    beforeEach(() => {
      served = [{ kid: 'k1', key: signer.publicKey }];
      hits = 0;
    });

    it('fetches the keys once at config time, reuses them, and refetches once for a new kid', async () => {
      await backend.handle(
        rq('update', 'config', { jwks_url: url, bound_issuer: ISSUER }),
      );
      expect(hits).toBe(1);
      for (let i = 0; i < 3; i += 1)
        expect((await login(token({}, { kid: 'k1' }))).kind).toBe('login');
      expect(hits).toBe(1);
      const rotated = ecKey();
      served = [
        { kid: 'k1', key: signer.publicKey },
        { kid: 'k2', key: rotated.publicKey },
      ];
      // No clock movement needed: a key published after the config is found by one refetch.
      expect(
        (await login(token({}, { key: rotated.privateKey, kid: 'k2' }))).kind,
      ).toBe('login');
      expect(hits).toBe(2);
    });

    it('backs off refetching after a kid that the issuer does not publish either', async () => {
      await backend.handle(
        rq('update', 'config', { jwks_url: url, bound_issuer: ISSUER }),
      );
      const forged = (kid: string) =>
        failure(login(token({}, { key: ecKey().privateKey, kid })));
      expect((await forged('x1')).status).toBe(400);
      expect(hits).toBe(2);
      expect((await forged('x2')).status).toBe(400);
      expect(hits).toBe(2);
      core.advance(5_000);
      expect((await forged('x3')).status).toBe(400);
      expect(hits).toBe(3);
    });

    it('resolves the key set through oidc_discovery_url', async () => {
      const discovery = url.replace(/\/keys$/, '/idp');
      expect(
        await backend.handle(
          rq('update', 'config', {
            oidc_discovery_url: discovery,
            bound_issuer: ISSUER,
          }),
        ),
      ).toEqual({ kind: 'empty' });
      expect((await login(token({}, { kid: 'k1' }))).kind).toBe('login');
      expect(hits).toBe(1);
      const wellKnown = await failure(
        backend.handle(
          rq('update', 'config', {
            oidc_discovery_url: `${discovery}/.well-known/openid-configuration`,
          }),
        ),
      );
      expect(wellKnown.status).toBe(400);
    });

    it('refuses a CA PEM without a certificate even for http URLs (cap createCAContext runs first)', async () => {
      const jwks = await failure(
        backend.handle(
          rq('update', 'config', { jwks_url: url, jwks_ca_pem: 'junk' }),
        ),
      );
      expect(jwks.errors).toEqual(['error checking jwks_ca_pem']);
      const discovery = await failure(
        backend.handle(
          rq('update', 'config', {
            oidc_discovery_url: url.replace(/\/keys$/, '/idp'),
            oidc_discovery_ca_pem: 'junk',
          }),
        ),
      );
      expect(discovery.errors).toEqual(['error checking oidc discovery URL']);
    });

    it('refuses a jwks_url that cannot be fetched', async () => {
      const err = await failure(
        backend.handle(
          rq('update', 'config', { jwks_url: 'http://127.0.0.1:1/none' }),
        ),
      );
      // validateJWKSURL in vault-plugin-auth-jwt path_config.go: the URL, not the cause.
      expect(err.errors).toEqual([
        'error checking jwks URL http://127.0.0.1:1/none',
      ]);
    });
  });
});

function SOURCES_TEXT(): string {
  return "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set";
}
