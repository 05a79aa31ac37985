/**
 * Conformance: whom the JWT auth method trusts when it fetches keys over https.
 *
 * Vault (hashicorp/vault-plugin-auth-jwt path_config.go, pathConfigWrite and
 * validateJWKSURL; hashicorp/cap jwt/keyset.go, NewJSONWebKeySet, NewOIDCDiscoveryKeySet
 * and createCAContext):
 * - with `jwks_ca_pem` / `oidc_discovery_ca_pem` empty, Go's default client: the system CAs;
 * - with it set, a new x509.CertPool holding ONLY its CERTIFICATE blocks (AppendCertsFromPEM
 *   skips other blocks); none parses -> "could not parse CA PEM value successfully";
 * - config write checks the source and answers "error checking jwks_ca_pem",
 *   "error checking jwks URL <url>" or "error checking oidc discovery URL" (details only in
 *   Vault's log); discovery also insists that the document's `issuer` equals the URL given.
 * Node's NODE_EXTRA_CA_CERTS is not a system CA store: Vault never reads it.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { createDevCertificates } from '../../src/index';
import { request, startTestVault, type TestVault } from '../support/vault-http';

jest.setTimeout(30_000);

describe('vault-dev JWT auth: https key sources trust the system CAs or exactly the given CA', () => {
  const issuerCa = createDevCertificates();
  const otherCa = createDevCertificates();
  const signer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  let idp: https.Server;
  let base: string;
  let discoveryIssuer: string | undefined;
  let vault: TestVault;

  beforeAll(async () => {
    idp = https.createServer(
      { cert: issuerCa.certPem, key: issuerCa.keyPem },
      (req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/idp/.well-known/openid-configuration') {
          res.end(
            JSON.stringify({
              issuer: discoveryIssuer ?? `${base}/idp`,
              jwks_uri: `${base}/keys`,
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            keys: [
              {
                ...signer.publicKey.export({ format: 'jwk' }),
                kid: 'k1',
                use: 'sig',
                alg: 'ES256',
              },
            ],
          }),
        );
      },
    );
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    vault = await startTestVault();
    await vault.root$('POST', '/v1/sys/auth/jwt', { type: 'jwt' });
  });
  afterAll(async () => {
    await vault.server.stop();
    await new Promise<void>((resolve) => idp.close(() => resolve()));
  });
  beforeEach(() => {
    discoveryIssuer = undefined;
  });

  const config = (body: Record<string, unknown>) =>
    vault.root$('POST', '/v1/auth/jwt/config', body);

  it('refuses an https jwks_url whose certificate only a private CA vouches for, without jwks_ca_pem', async () => {
    const res = await config({ jwks_url: `${base}/keys` });
    expect([res.status, res.json]).toEqual([
      400,
      { errors: [`error checking jwks URL ${base}/keys`] },
    ]);
  });

  it('refuses it with some other CA in jwks_ca_pem', async () => {
    const res = await config({
      jwks_url: `${base}/keys`,
      jwks_ca_pem: otherCa.caCertPem,
    });
    expect([res.status, res.json]).toEqual([
      400,
      { errors: [`error checking jwks URL ${base}/keys`] },
    ]);
  });

  it('refuses a jwks_ca_pem without a single certificate', async () => {
    for (const bad of [
      'not a pem',
      signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ]) {
      const res = await config({ jwks_url: `${base}/keys`, jwks_ca_pem: bad });
      expect([res.status, res.json]).toEqual([
        400,
        { errors: ['error checking jwks_ca_pem'] },
      ]);
    }
  });

  it('accepts the right CA (other PEM blocks beside it are skipped), stores it, and logs in with the fetched keys', async () => {
    const pem = `${signer.publicKey.export({ type: 'spki', format: 'pem' })}${issuerCa.caCertPem}`;
    const res = await config({
      jwks_url: `${base}/keys`,
      jwks_ca_pem: pem,
      bound_issuer: 'https://idp.example',
    });
    expect(res.status).toBe(204);
    expect(
      (await vault.root$('GET', '/v1/auth/jwt/config')).json.data.jwks_ca_pem,
    ).toBe(pem);
    await vault.root$('POST', '/v1/auth/jwt/role/svc', {
      role_type: 'jwt',
      user_claim: 'sub',
      bound_audiences: 'wallet',
    });
    const now = Math.floor(vault.clock.now() / 1000);
    const token = jwt.sign(
      {
        iss: 'https://idp.example',
        sub: 'svc',
        aud: 'wallet',
        iat: now,
        exp: now + 300,
      },
      signer.privateKey,
      {
        algorithm: 'ES256',
        keyid: 'k1',
      },
    );
    const login = await vault.call('POST', '/v1/auth/jwt/login', {
      body: { role: 'svc', jwt: token },
    });
    expect(login.status).toBe(200);
  });

  it('checks an https oidc_discovery_url against oidc_discovery_ca_pem the same way, and its issuer', async () => {
    const url = `${base}/idp`;
    const refused = await config({ oidc_discovery_url: url });
    expect([refused.status, refused.json]).toEqual([
      400,
      { errors: ['error checking oidc discovery URL'] },
    ]);
    const wrongCa = await config({
      oidc_discovery_url: url,
      oidc_discovery_ca_pem: otherCa.caCertPem,
    });
    expect([wrongCa.status, wrongCa.json]).toEqual([
      400,
      { errors: ['error checking oidc discovery URL'] },
    ]);
    expect(
      (await config({ oidc_discovery_url: url, oidc_discovery_ca_pem: 'junk' }))
        .status,
    ).toBe(400);
    expect(
      (
        await config({
          oidc_discovery_url: url,
          oidc_discovery_ca_pem: issuerCa.caCertPem,
        })
      ).status,
    ).toBe(204);
    discoveryIssuer = 'https://somebody-else.example';
    const mismatch = await config({
      oidc_discovery_url: url,
      oidc_discovery_ca_pem: issuerCa.caCertPem,
    });
    expect([mismatch.status, mismatch.json]).toEqual([
      400,
      { errors: ['error checking oidc discovery URL'] },
    ]);
  });

  it('trusts its own https JWKS (phase 4 over TLS) only when given its CA', async () => {
    const tlsVault = await startTestVault({ tls: true });
    try {
      await tlsVault.root$('POST', '/v1/sys/auth/jwt', { type: 'jwt' });
      const jwksUrl = `${tlsVault.server.address}/v1/identity/oidc/.well-known/keys`;
      const without = await tlsVault.root$('POST', '/v1/auth/jwt/config', {
        jwks_url: jwksUrl,
      });
      expect([without.status, without.json]).toEqual([
        400,
        { errors: [`error checking jwks URL ${jwksUrl}`] },
      ]);
      const withCa = await tlsVault.root$('POST', '/v1/auth/jwt/config', {
        jwks_url: jwksUrl,
        jwks_ca_pem: tlsVault.server.caCertPem,
      });
      expect(withCa.status).toBe(204);
    } finally {
      await tlsVault.server.stop();
    }
  });

  it('ignores NODE_EXTRA_CA_CERTS, which no Vault reads (a separate vault-dev process)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-extra-ca-'));
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, issuerCa.caCertPem);
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        path.join(__dirname, '..', '..', 'src', 'main.ts'),
      ],
      {
        cwd: path.join(__dirname, '..', '..'),
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: caFile,
          VAULT_DEV_LISTEN_ADDRESS: '127.0.0.1:0',
          VAULT_DEV_ROOT_TOKEN_ID: 'extra-root',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) =>
      child.on('exit', () => resolve()),
    );
    try {
      const deadline = Date.now() + 20_000;
      let address: string | undefined;
      while (!address && Date.now() < deadline) {
        address = /Api Address: (\S+)/.exec(out)?.[1];
        if (!address) await new Promise((r) => setTimeout(r, 50));
      }
      if (!address) throw new Error(`vault-dev did not start: ${out}`);
      await request(address, 'POST', '/v1/sys/auth/jwt', {
        token: 'extra-root',
        body: { type: 'jwt' },
      });
      const res = await request(address, 'POST', '/v1/auth/jwt/config', {
        token: 'extra-root',
        body: { jwks_url: `${base}/keys` },
      });
      expect([res.status, res.json]).toEqual([
        400,
        { errors: [`error checking jwks URL ${base}/keys`] },
      ]);
    } finally {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
