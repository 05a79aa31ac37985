import * as crypto from 'node:crypto';
import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { tenantJwt, vaultAdmin } from './support/faults';

const b64 = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString(
    'base64url',
  );
const partsOf = (jwt: string) => {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<
      string,
      unknown
    >,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<
      string,
      unknown
    >,
    signature: s,
  };
};
const hs256 = (header: object, payload: object, secret: string | Buffer) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
};
const attacker = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const es256 = (header: object, payload: object) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), { key: attacker.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
};

describe('JWT attacks against the running phase 3 stack: every one is a 401 problem', () => {
  let platform: Platform;
  let legit: string;
  let expiresAtMs: number;
  let shortLived: string;
  const minted: Record<string, string> = {};

  /** A genuine Vault identity token of `role` for the demo tenant (the attacker holds a real login). */
  async function mint(role: string): Promise<string> {
    const tenant = platform.tenants[0];
    const login = await fetch(
      `${platform.urls.vault}/v1/auth/userpass/login/${tenant.username}`,
      { method: 'POST', body: JSON.stringify({ password: tenant.password }) },
    );
    const token = ((await login.json()) as { auth: { client_token: string } })
      .auth.client_token;
    const res = await fetch(
      `${platform.urls.vault}/v1/identity/oidc/token/${role}`,
      { headers: { 'x-vault-token': token } },
    );
    const jwt = ((await res.json()) as { data?: { token?: string } }).data
      ?.token;
    if (!jwt)
      throw new Error(`minting a ${role} token failed: HTTP ${res.status}`);
    return jwt;
  }

  beforeAll(async () => {
    platform = await startTestPlatform(3, {
      env: { gateway: { GATEWAY_RATE_LIMIT_COUNT: '100000' } },
    });
    legit = await tenantJwt(platform);
    const clientId = platform.bootstrap.clientId as string;
    // Roles an attacker could never create, used to get genuinely Vault-signed tokens with one thing wrong.
    const admin = (path: string, body: unknown) =>
      vaultAdmin(platform, 'POST', path, body);
    await admin('sys/policies/acl/reliability-mint', {
      policy: 'path "identity/oidc/token/*" { capabilities = ["read"] }',
    });
    await admin(
      `auth/userpass/users/${platform.tenants[0].username}/policies`,
      { token_policies: ['tenant-login', 'reliability-mint'] },
    );
    await admin('identity/oidc/key/other', {
      algorithm: 'ES256',
      allowed_client_ids: ['*'],
    });
    await admin('identity/oidc/role/wrong-aud', {
      key: 'other',
      client_id: 'someone-else',
      template: '{"tenant_id": {{identity.entity.metadata.tenant_id}}}',
      ttl: '1h',
    });
    await admin('identity/oidc/role/tenant-number', {
      key: 'tenant',
      client_id: clientId,
      template: '{"tenant_id": 42}',
      ttl: '1h',
    });
    await admin('identity/oidc/role/tenant-list', {
      key: 'tenant',
      client_id: clientId,
      template: '{"tenant_id": ["default"]}',
      ttl: '1h',
    });
    await admin('identity/oidc/role/short', {
      key: 'tenant',
      client_id: clientId,
      template: '{"tenant_id": {{identity.entity.metadata.tenant_id}}}',
      ttl: '1s',
    });
    for (const role of ['wrong-aud', 'tenant-number', 'tenant-list'])
      minted[role] = await mint(role);
    shortLived = await mint('short');
    expiresAtMs = Number(partsOf(shortLived).payload['exp']) * 1000;
    // A token from another issuer: Vault's issuer setting changed for one mint, then restored.
    const config = await vaultAdmin(platform, 'GET', 'identity/oidc/config');
    const changed = await admin('identity/oidc/config', {
      issuer: 'http://127.0.0.1:9',
    });
    if (changed.status >= 300)
      throw new Error(
        `cannot change the issuer: ${JSON.stringify(changed.body)}`,
      );
    minted['wrong-iss'] = await mint('tenant');
    await admin('identity/oidc/config', {
      issuer: config.body?.data?.issuer ?? '',
    });
    expect(partsOf(minted['wrong-iss']).payload['iss']).toBe(
      'http://127.0.0.1:9/v1/identity/oidc',
    );
    expect(partsOf(legit).payload['iss']).not.toBe(
      partsOf(minted['wrong-iss']).payload['iss'],
    );
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const call = (token: string) =>
    fetch(`${platform.urls.gateway}/cloud-agent/secrets`, {
      headers: { apikey: platform.apiKey, authorization: `Bearer ${token}` },
    });
  async function expect401(token: string): Promise<void> {
    const res = await call(token);
    const text = await res.text();
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(
      /application\/problem\+json/,
    );
    expect(JSON.parse(text)).toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
    // The body never says which check failed, nor echoes the token.
    expect(text).not.toContain(token.slice(0, 40));
  }

  it('accepts the genuine token (the control case)', async () => {
    expect((await call(legit)).status).toBe(200);
  });

  it.each([
    [
      'alg none',
      () =>
        `${b64({ ...partsOf(legit).header, alg: 'none' })}.${b64(partsOf(legit).payload)}.`,
    ],
    [
      'alg NONE with the original signature',
      () =>
        `${b64({ ...partsOf(legit).header, alg: 'NONE' })}.${b64(partsOf(legit).payload)}.${partsOf(legit).signature}`,
    ],
    [
      'claims changed under the original signature',
      () =>
        `${legit.split('.')[0]}.${b64({ ...partsOf(legit).payload, tenant_id: 'other' })}.${partsOf(legit).signature}`,
    ],
    [
      'a signature from another token',
      () =>
        `${legit.split('.').slice(0, 2).join('.')}.${partsOf(minted['wrong-aud']).signature}`,
    ],
    [
      'a kid that names no key',
      () => es256({ alg: 'ES256', kid: 'attacker' }, partsOf(legit).payload),
    ],
    [
      'a kid with path traversal',
      () =>
        es256(
          { alg: 'ES256', kid: '../../../../dev/null' },
          partsOf(legit).payload,
        ),
    ],
    [
      'the real kid, signed with another key',
      () => es256({ ...partsOf(legit).header }, partsOf(legit).payload),
    ],
    [
      'an embedded jwk header with the attacker key',
      () =>
        es256(
          {
            alg: 'ES256',
            kid: partsOf(legit).header['kid'],
            jwk: attacker.publicKey.export({ format: 'jwk' }),
          },
          partsOf(legit).payload,
        ),
    ],
    [
      'a jku header pointing elsewhere',
      () =>
        es256(
          { alg: 'ES256', kid: 'x', jku: 'http://127.0.0.1:9/keys' },
          partsOf(legit).payload,
        ),
    ],
    ['a wrong audience (genuine Vault signature)', () => minted['wrong-aud']],
    ['a wrong issuer (genuine Vault signature)', () => minted['wrong-iss']],
    [
      'a numeric tenant claim (genuine Vault signature)',
      () => minted['tenant-number'],
    ],
    [
      'a list as tenant claim (genuine Vault signature)',
      () => minted['tenant-list'],
    ],
    [
      'an oversized token (10 KB)',
      () =>
        `${legit.split('.')[0]}.${b64({ ...partsOf(legit).payload, pad: 'x'.repeat(7_000) })}.${partsOf(legit).signature}`,
    ],
    ['garbage', () => 'a.b.c'],
  ])('refuses %s', async (_name, make) => {
    await expect401(make());
  });

  it('refuses HS256 signed with the issuer public key as the HMAC secret, in every encoding', async () => {
    const jwks = (await (
      await fetch(`${platform.urls.gateway}/auth/jwks`)
    ).json()) as { keys: Array<crypto.JsonWebKey & { kid: string }> };
    const jwk =
      jwks.keys.find((k) => k.kid === partsOf(legit).header['kid']) ??
      jwks.keys[0];
    const pem = crypto
      .createPublicKey({ key: jwk, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' }) as string;
    const der = crypto
      .createPublicKey({ key: jwk, format: 'jwk' })
      .export({ type: 'spki', format: 'der' });
    for (const secret of [pem, pem.trim(), JSON.stringify(jwk), der]) {
      await expect401(
        hs256(
          { alg: 'HS256', kid: jwk.kid, typ: 'JWT' },
          partsOf(legit).payload,
          secret,
        ),
      );
    }
  });

  it('refuses a token far larger than any header limit with a 4xx, never a 5xx', async () => {
    const res = await call(
      `${legit.split('.')[0]}.${b64({ pad: 'x'.repeat(64_000) })}.${partsOf(legit).signature}`,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('refuses an expired token (genuine Vault signature) once exp plus the 30 s leeway has passed', async () => {
    const waitMs = expiresAtMs + 31_000 - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    await expect401(shortLived);
  }, 60_000);
});
