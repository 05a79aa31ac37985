/**
 * Conformance: the JWT auth method over HTTP (vault-api.md §8, §13 #95, #108-#115).
 * The phase-4 exchange: an identity token from this server, verified through its own
 * JWKS URL over HTTP, becomes a tenant-scoped Vault token.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  startTestVault,
  type TestVault,
  itDevOnly,
} from '../support/vault-http';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

describe('vault-dev JWT auth', () => {
  let vault: TestVault;
  let issuer: string;
  let tenantToken: string;
  const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = signer.publicKey
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const nowS = () => Math.floor(vault.clock.now() / 1000);
  const external = (claims: Record<string, unknown>) =>
    jwt.sign(
      {
        iss: 'https://idp.example',
        sub: 'svc',
        aud: 'wallet',
        iat: nowS(),
        exp: nowS() + 300,
        ...claims,
      },
      signer.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      {
        algorithm: 'ES256',
      },
    );
  const idToken = async (role = 'tenant') =>
    (
      await vault.call('GET', `/v1/identity/oidc/token/${role}`, {
        token: tenantToken,
      })
    ).json.data.token as string;
  const login = (mount: string, body: unknown) =>
    vault.call('POST', `/v1/auth/${mount}/login`, { body });

  beforeAll(async () => {
    vault = await startTestVault();
    issuer = `${vault.server.address}/v1/identity/oidc`;
    // A tenant with a userpass login gets identity tokens (the phase-3 flow).
    await vault.root$('POST', '/v1/sys/auth/userpass', { type: 'userpass' });
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
    const entityId = (
      await vault.call('GET', '/v1/auth/token/lookup-self', {
        token: tenantToken,
      })
    ).json.data.entity_id;
    await vault.root$('POST', `/v1/identity/entity/id/${entityId}`, {
      metadata: { tenant_id: 'acme' },
    });
    await vault.root$('POST', '/v1/identity/oidc/key/agent', {
      allowed_client_ids: '*',
      algorithm: 'RS256',
    });
    const template = '{"tenant_id": {{identity.entity.metadata.tenant_id}} }';
    await vault.root$('POST', '/v1/identity/oidc/role/tenant', {
      key: 'agent',
      client_id: 'agent',
      ttl: '1h',
      template,
    });
    await vault.root$('POST', '/v1/identity/oidc/role/other', {
      key: 'agent',
      client_id: 'not-the-agent',
      ttl: '1h',
      template,
    });
    // The phase-4 exchange mount: JWKS fetched from this same server over HTTP.
    await vault.root$('POST', '/v1/sys/auth/jwt', { type: 'jwt' });
    const jwtAccessor = (await vault.root$('GET', '/v1/sys/auth')).json.data[
      'jwt/'
    ].accessor as string;
    await vault.root$('PUT', '/v1/sys/policies/acl/tenant-data', {
      policy: `path "secret/data/tenants/{{identity.entity.aliases.${jwtAccessor}.metadata.tenant_id}}/*" { capabilities = ["create", "read", "update"] }`,
    });
    const config = await vault.root$('POST', '/v1/auth/jwt/config', {
      jwks_url: `${issuer}/.well-known/keys`,
      bound_issuer: issuer,
    });
    expect([config.status, config.text]).toEqual([204, '']);
    await vault.root$('POST', '/v1/auth/jwt/role/tenant', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: 'agent',
      claim_mappings: { tenant_id: 'tenant_id' },
      token_policies: 'tenant-data',
      token_ttl: '10m',
    });
    // A second mount with a static PEM key, for tokens this test signs itself.
    await vault.root$('POST', '/v1/sys/auth/static', { type: 'jwt' });
  });
  afterAll(() => vault.server.stop());

  it('[#108] accepts a PEM key config with 204 and refuses zero or two key sources', async () => {
    expect(
      (
        await vault.root$('POST', '/v1/auth/static/config', {
          jwt_validation_pubkeys: [pem],
          bound_issuer: 'https://idp.example',
        })
      ).status,
    ).toBe(204);
    const sources =
      "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set";
    const none = await vault.root$('POST', '/v1/auth/static/config', {
      bound_issuer: 'x',
    });
    expect([none.status, none.json]).toEqual([400, { errors: [sources] }]);
    const two = await vault.root$('POST', '/v1/auth/static/config', {
      jwt_validation_pubkeys: [pem],
      jwks_url: `${issuer}/.well-known/keys`,
    });
    expect([two.status, two.json]).toEqual([400, { errors: [sources] }]);
    await vault.root$('POST', '/v1/auth/static/role/svc', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: 'wallet',
      bound_claims: { team: 'ops' },
    });
    await vault.root$('POST', '/v1/auth/static/role/noaud', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_subject: 'svc',
    });
  });

  it('[#109] needs role_type jwt: omitted at write is an error, oidc at login is refused', async () => {
    const write = await vault.root$('POST', '/v1/auth/jwt/role/web', {
      user_claim: 'sub',
      bound_audiences: 'agent',
    });
    expect(write.json).toEqual({
      errors: [
        "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.",
      ],
    });
    await vault.root$('POST', '/v1/auth/jwt/role/web', {
      user_claim: 'sub',
      allowed_redirect_uris: 'https://app/callback',
    });
    const res = await login('jwt', { role: 'web', jwt: await idToken() });
    expect([res.status, res.json]).toEqual([
      400,
      { errors: ['role with oidc role_type is not allowed'] },
    ]);
  });

  it('[#110] [#95] exchanges an identity token for a tenant-scoped token confined by the templated policy', async () => {
    const res = await login('jwt', { role: 'tenant', jwt: await idToken() });
    expect(res.status).toBe(200);
    expect(res.json.auth).toMatchObject({
      metadata: { role: 'tenant', tenant_id: 'acme' },
      policies: ['default', 'tenant-data'],
      lease_duration: 600,
    });
    const token = res.json.auth.client_token as string;
    const alias = await vault.root$(
      'GET',
      `/v1/identity/entity/id/${res.json.auth.entity_id}`,
    );
    const jwtAlias = alias.json.data.aliases.find(
      (a: { mount_type: string }) => a.mount_type === 'jwt',
    );
    const sub = JSON.parse(
      Buffer.from((await idToken()).split('.')[1], 'base64url').toString(),
    ).sub;
    expect(jwtAlias).toMatchObject({
      name: sub,
      metadata: { role: 'tenant', tenant_id: 'acme' },
    });
    expect(
      (
        await vault.call('POST', '/v1/secret/data/tenants/acme/seed', {
          token,
          body: { data: { s: 1 } },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await vault.call('GET', '/v1/secret/data/tenants/globex/seed', {
          token,
        })
      ).status,
    ).toBe(403);
  });

  itDevOnly(
    '[#111] refuses an identity token expired beyond the 60 s skew',
    async () => {
      const token = await idToken();
      vault.clock.advanceSeconds(3600 + 61);
      const res = await login('jwt', { role: 'tenant', jwt: token });
      expect([res.status, res.json]).toEqual([
        400,
        {
          errors: [
            'error validating token: invalid expiration time (exp) claim: token is expired',
          ],
        },
      ]);
    },
  );

  it('[#112] refuses a token for another audience', async () => {
    const res = await login('jwt', {
      role: 'tenant',
      jwt: await idToken('other'),
    });
    expect(res.json).toEqual({
      errors: [
        'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
      ],
    });
  });

  it('[#113] refuses a token whose claims miss the bound values', async () => {
    const res = await login('static', {
      role: 'svc',
      jwt: external({ team: 'dev' }),
    });
    expect(res.json).toEqual({
      errors: [
        'error validating claims: claim "team" does not match any associated bound claim values',
      ],
    });
    expect(
      (await login('static', { role: 'svc', jwt: external({ team: 'ops' }) }))
        .status,
    ).toBe(200);
  });

  it('[#114] refuses a foreign issuer and a bad signature', async () => {
    const wrongIss = await login('static', {
      role: 'svc',
      jwt: external({ team: 'ops', iss: 'https://evil.example' }),
    });
    expect(wrongIss.json).toEqual({
      errors: ['error validating token: invalid issuer (iss) claim'],
    });
    const [h, p] = external({ team: 'ops' }).split('.');
    const forged = await login('static', {
      role: 'svc',
      jwt: `${h}.${p}.${Buffer.alloc(64).toString('base64url')}`,
    });
    expect(forged.status).toBe(400);
    expect(forged.json.errors[0]).toMatch(
      /^error validating token: error verifying token signature: /,
    );
  });

  it('[#115] refuses a token with aud when the role binds no audience', async () => {
    const res = await login('static', { role: 'noaud', jwt: external({}) });
    expect(res.json).toEqual({
      errors: [
        'audience claim found in JWT but no audiences bound to the role',
      ],
    });
  });
});
