/**
 * Conformance: identity entities and OIDC identity tokens over HTTP (vault-api.md §7,
 * §13 #99-#107), with tokens checked against the JWKS the server publishes.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isRealVault,
  itDevOnly,
  startTestVault,
  type TestVault,
} from '../support/vault-http';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

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
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const ok = verify(
    header['alg'] === 'EdDSA' ? null : 'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
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

describe('vault-dev identity', () => {
  let vault: TestVault;
  let tenantToken: string;
  let entityId: string;

  const jwks = async () =>
    (await vault.call('GET', '/v1/identity/oidc/.well-known/keys')).json
      .keys as JsonWebKey[];
  const idToken = (role: string, token = tenantToken) =>
    vault.call('GET', `/v1/identity/oidc/token/${role}`, { token });

  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
    const accessor = (await vault.root$('GET', '/v1/sys/auth')).json.data[
      'userpass/'
    ].accessor as string;
    const entity = await vault.root$('POST', '/v1/identity/entity', {
      name: 'tenant-acme',
      metadata: { tenant_id: 'acme' },
    });
    entityId = entity.json.data.id;
    await vault.root$('POST', '/v1/identity/entity-alias', {
      name: 'alice',
      canonical_id: entityId,
      mount_accessor: accessor,
    });
    await vault.root$('PUT', '/v1/sys/policies/acl/tenant-token', {
      policy: 'path "identity/oidc/token/*" { capabilities = ["read"] }',
    });
    await vault.root$('POST', '/v1/auth/userpass/users/alice', {
      password: 'pw',
      token_policies: 'tenant-token',
    });
    tenantToken = (
      await vault.call('POST', '/v1/auth/userpass/login/alice', {
        body: { password: 'pw' },
      })
    ).json.auth.client_token;
  });
  afterAll(() => vault.server.stop());

  it('[#99] a login attaches to the entity that owns the alias on that mount', async () => {
    const self = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: tenantToken,
    });
    expect(self.json.data.entity_id).toBe(entityId);
    const read = await vault.root$('GET', `/v1/identity/entity/id/${entityId}`);
    expect(read.json.data).toMatchObject({
      name: 'tenant-acme',
      metadata: { tenant_id: 'acme' },
      aliases: [
        expect.objectContaining({ name: 'alice', mount_type: 'userpass' }),
      ],
    });
  });

  it('[#100] defaults a named key to RS256 and refuses clients it does not list', async () => {
    expect(
      (await vault.root$('POST', '/v1/identity/oidc/key/closed', {})).status,
    ).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/identity/oidc/key/closed')).json.data,
    ).toEqual({
      algorithm: 'RS256',
      rotation_period: 86400,
      verification_ttl: 86400,
      allowed_client_ids: [],
    });
    await vault.root$('POST', '/v1/identity/oidc/role/closed', {
      key: 'closed',
    });
    const res = await idToken('closed');
    expect([res.status, res.json]).toEqual([
      400,
      {
        errors: [
          'the key "closed" does not list the client ID of the role "closed" as an allowed client ID',
        ],
      },
    ]);
  });

  it('[#101] [#102] [#103] issues a token whose claims and kid verify against the public JWKS', async () => {
    await vault.root$('POST', '/v1/identity/oidc/key/agent', {
      allowed_client_ids: ['*'],
      algorithm: 'ES256',
    });
    await vault.root$('POST', '/v1/identity/oidc/role/tenant', {
      key: 'agent',
      client_id: 'agent',
      ttl: '1h',
      template: '{"tenant_id": {{identity.entity.metadata.tenant_id}} }',
    });
    const res = await idToken('tenant');
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({
      token: expect.any(String),
      client_id: 'agent',
      ttl: 3600,
    });
    const { header, claims } = verifyWithJwks(
      res.json.data.token,
      await jwks(),
    );
    // Against a real Vault the clock is not ours: take its iat, within a minute of now.
    const iat = isRealVault
      ? (claims['iat'] as number)
      : Math.floor(vault.clock.now() / 1000);
    expect(Math.abs(iat - vault.clock.now() / 1000)).toBeLessThan(60);
    expect(header).toEqual({ alg: 'ES256', kid: expect.any(String) });
    expect(claims).toEqual({
      iss: `${vault.server.address}/v1/identity/oidc`,
      sub: entityId,
      aud: 'agent',
      iat,
      exp: iat + 3600,
      namespace: 'root',
      tenant_id: 'acme',
    });
  });

  it('[#103] serves discovery and keys as raw JSON without a token', async () => {
    const disco = await vault.call(
      'GET',
      '/v1/identity/oidc/.well-known/openid-configuration',
    );
    expect(disco.status).toBe(200);
    expect(disco.json).toMatchObject({
      issuer: `${vault.server.address}/v1/identity/oidc`,
      jwks_uri: `${vault.server.address}/v1/identity/oidc/.well-known/keys`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
    });
    expect(disco.json).not.toHaveProperty('request_id');
    expect(disco.headers['cache-control']).toBe('max-age=3600');
    const keys = await vault.call('GET', '/v1/identity/oidc/.well-known/keys');
    expect(
      keys.json.keys.every(
        (k: JsonWebKey) =>
          k.use === 'sig' && typeof k.kid === 'string' && k.d === undefined,
      ),
    ).toBe(true);
  });

  it('[#104] refuses token generation for the root token, which has no entity', async () => {
    const res = await idToken('tenant', vault.root);
    expect([res.status, res.json]).toEqual([
      400,
      { errors: ["no entity associated with the request's token"] },
    ]);
  });

  it('[#105] introspects a live token as active and a tampered one as inactive', async () => {
    const token = (await idToken('tenant')).json.data.token as string;
    const live = await vault.root$('POST', '/v1/identity/oidc/introspect', {
      token,
    });
    expect([live.status, live.json]).toEqual([200, { active: true }]);
    const [h, p] = token.split('.');
    const forged = await vault.root$('POST', '/v1/identity/oidc/introspect', {
      token: `${h}.${p}.AAAA`,
    });
    expect(forged.json).toEqual({
      active: false,
      error: 'unable to validate the token signature',
    });
  });

  it('[#106] refuses a template that sets a reserved claim', async () => {
    const res = await vault.root$('POST', '/v1/identity/oidc/role/bad', {
      key: 'agent',
      template: '{"aud": "x"}',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toContain('top level key "aud" not allowed');
  });

  it('[#107] refuses a role ttl above the key verification_ttl and publishes EdDSA keys as OKP', async () => {
    await vault.root$('POST', '/v1/identity/oidc/key/ed', {
      algorithm: 'EdDSA',
      allowed_client_ids: '*',
      verification_ttl: '1h',
      rotation_period: '1h',
    });
    const tooLong = await vault.root$('POST', '/v1/identity/oidc/role/ed', {
      key: 'ed',
      ttl: '2h',
    });
    expect(tooLong.json).toEqual({
      errors: [
        "a role's token ttl cannot be longer than the verification_ttl of the key it references",
      ],
    });
    await vault.root$('POST', '/v1/identity/oidc/role/ed', {
      key: 'ed',
      ttl: '30m',
    });
    expect(await jwks()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }),
      ]),
    );
    const { header } = verifyWithJwks(
      (await idToken('ed')).json.data.token,
      await jwks(),
    );
    expect(header['alg']).toBe('EdDSA');
  });

  it('answers entity lookups with no match with 204', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/identity/lookup/entity', {
          name: 'nobody',
        })
      ).status,
    ).toBe(204);
  });
});

describe('vault-dev identity with --data-dir', () => {
  itDevOnly(
    'keeps OIDC keys, roles, userpass users and JWT config across a restart',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-engines-'));
      const first = await startTestVault({ dataDir: dir });
      try {
        const root = (m: string, p: string, body?: unknown) =>
          first.root$(m, p, body);
        await root('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
        await root('POST', '/v1/sys/auth/jwt', { type: 'jwt' });
        await root('PUT', '/v1/sys/policies/acl/tt', {
          policy: 'path "identity/oidc/token/*" { capabilities = ["read"] }',
        });
        await root('POST', '/v1/auth/userpass/users/alice', {
          password: 'pw',
          token_policies: 'tt',
        });
        await root('POST', '/v1/identity/oidc/key/k', {
          algorithm: 'ES256',
          allowed_client_ids: '*',
        });
        await root('POST', '/v1/identity/oidc/role/tenant', {
          key: 'k',
          client_id: 'agent',
        });
        const issuer = `${first.server.address}/v1/identity/oidc`;
        await root('POST', '/v1/auth/jwt/config', {
          jwt_validation_pubkeys: [
            (await first.call('GET', '/v1/identity/oidc/.well-known/keys')).json
              .keys[0],
          ].map(jwkToPem),
          bound_issuer: issuer,
        });
        await root('POST', '/v1/auth/jwt/role/tenant', {
          role_type: 'jwt',
          user_claim: 'sub',
          bound_audiences: 'agent',
        });
        await first.server.stop();

        const second = await startTestVault({
          dataDir: dir,
          unsealKey: first.server.unsealKey,
          port: first.server.port,
        });
        try {
          const login = await second.call(
            'POST',
            '/v1/auth/userpass/login/alice',
            { body: { password: 'pw' } },
          );
          expect(login.status).toBe(200);
          const token = await second.call(
            'GET',
            '/v1/identity/oidc/token/tenant',
            { token: login.json.auth.client_token },
          );
          expect(token.status).toBe(200);
          const jwtLogin = await second.call('POST', '/v1/auth/jwt/login', {
            body: { role: 'tenant', jwt: token.json.data.token },
          });
          expect(jwtLogin.status).toBe(200);
        } finally {
          await second.server.stop();
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

function jwkToPem(jwk: JsonWebKey): string {
  return createPublicKey({ key: jwk, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}
