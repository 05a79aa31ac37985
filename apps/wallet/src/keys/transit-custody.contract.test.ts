import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createPublicKey,
  randomUUID,
  verify,
  type JsonWebKey,
} from 'node:crypto';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  type VaultClient,
} from '@secret-flows/vault-client';
import { createLogger } from '@secret-flows/telemetry';
import { createWalletCore } from '@secret-flows/wallet-core';
import request from 'supertest';
import { buildApp } from '../app';
import { createDependencies, type WalletDependencies } from '../compose';
import { loadConfig } from '../config';
import {
  createServiceTokens,
  createTenantIssuer,
  TENANT_AUDIENCE,
  TENANT_ISSUER,
} from '../../test/fakes/token-issuers';

// vault-transit custody in phase 4 against vault-dev, with the repository's policies
// (deploy/vault/policies): the wallet's AppRole has wallet-provisioner, tenant tokens from
// auth/jwt/login have tenant-data. The wallet reaches Vault through a recording proxy, so the
// test sees every Vault answer the wallet receives.
const POLICIES = path.resolve(__dirname, '../../../../deploy/vault/policies');
const VAULT_DEV_TIMEOUT_MS = 60_000;
jest.setTimeout(VAULT_DEV_TIMEOUT_MS);

const payload = Buffer.from('{"iss":"did:example:issuer","vc":"transit"}');

function verifies(jwk: JsonWebKey, alg: string, signature: string): boolean {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const sig = Buffer.from(signature, 'base64url');
  expect(sig).toHaveLength(64);
  return alg === 'EdDSA'
    ? verify(null, payload, key, sig)
    : verify('sha256', payload, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

/** Every JSON answer body the proxy forwarded, and a check that none carries private key material. */
function privateMaterialIn(bodies: string[]): string[] {
  const found: string[] = [];
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'd' || /private/i.test(k)) found.push(`${where}.${k}`);
        walk(x, `${where}.${k}`);
      }
    } else if (typeof v === 'string' && /PRIVATE KEY/.test(v))
      found.push(where);
  };
  for (const body of bodies) {
    if (/PRIVATE KEY/.test(body)) found.push('raw body');
    try {
      walk(JSON.parse(body), '$');
    } catch {
      // not JSON: the raw check above applies
    }
  }
  return found;
}

describe('wallet: vault-transit key custody (phase 4, vault-dev, repository policies)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-transit-'));
  const tenants = createTenantIssuer();
  const service = createServiceTokens();
  let vault: VaultDevServer;
  let root: VaultClient;
  let jwksServer: http.Server;
  let proxy: http.Server;
  let deps: WalletDependencies;
  let wallet: http.Server;
  const recorded: { path: string; body: string }[] = [];
  const jwtOf = {
    acme: tenants.sign({ tenant_id: 'acme', sub: 'e-acme' }),
    'acme-corp': tenants.sign({ tenant_id: 'acme-corp', sub: 'e-acme-corp' }),
  };
  type Tenant = keyof typeof jwtOf;

  const call = (
    method: 'get' | 'post' | 'delete',
    url: string,
    tenant: Tenant,
  ) =>
    request(wallet)
      [method](url)
      .set('X-Service-Token', service.signer.sign())
      .set('Authorization', `Bearer ${jwtOf[tenant]}`);

  beforeAll(async () => {
    vault = await startVaultDev({ port: 0, rootToken: `root-${randomUUID()}` });
    root = createVaultClient({
      address: vault.address,
      auth: tokenAuth(vault.rootToken),
    });
    await root.sys.enableSecretsEngine('transit', { type: 'transit' });
    await bootstrapPhase4(
      root,
      tenants.publicKey.export({ format: 'pem', type: 'spki' }) as string,
      dir,
    );
    jwksServer = await serveJson(tenants.jwks);
    proxy = await recordingProxy(vault.address, recorded);
    fs.writeFileSync(
      path.join(dir, 'service-keys.json'),
      JSON.stringify(service.publicJwks),
    );
    const config = loadConfig({
      VAULT_ADDR: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      VAULT_APPROLE_ROLE_ID_FILE: path.join(dir, 'role-id'),
      VAULT_APPROLE_SECRET_ID_FILE: path.join(dir, 'secret-id'),
      VAULT_TRANSIT_MOUNT: 'transit',
      TENANT_JWT_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`,
      TENANT_JWT_ISSUER: TENANT_ISSUER,
      TENANT_JWT_AUDIENCE: TENANT_AUDIENCE,
      SERVICE_JWT_PUBLIC_KEYS_FILE: path.join(dir, 'service-keys.json'),
      WALLET_TENANCY: 'multi',
    });
    deps = createDependencies(config, {
      logger: createLogger({ name: 'wallet', level: 'silent' }),
    });
    wallet = buildApp(deps).listen(0, '127.0.0.1');
    await new Promise((resolve) => wallet.once('listening', resolve));
  }, VAULT_DEV_TIMEOUT_MS);

  afterAll(async () => {
    wallet.closeAllConnections();
    await new Promise((resolve) => wallet.close(resolve));
    await deps.vault.stop();
    await root.stop();
    await vault.stop();
    for (const server of [jwksServer, proxy]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, VAULT_DEV_TIMEOUT_MS);

  it('creates Ed25519 and P-256 keys in Transit by default, secp256k1 in the wallet; signatures verify with node:crypto', async () => {
    recorded.length = 0;
    for (const [type, alg] of [
      ['Ed25519', 'EdDSA'],
      ['P-256', 'ES256'],
    ] as const) {
      const key = await call('post', '/v1/keys', 'acme').send({ type });
      expect([key.status, key.body.custody, key.body.versions?.length]).toEqual(
        [201, 'vault-transit', 1],
      );
      expect(
        await root.transit().readKey(`tenant-acme__${key.body.id}`),
      ).toMatchObject({ exportable: false, latestVersion: 1 });
      const signed = await call(
        'post',
        `/v1/keys/${key.body.id}/sign`,
        'acme',
      ).send({ payload: payload.toString('base64url') });
      expect(signed.status).toBe(200);
      expect([signed.body.alg, signed.body.keyVersion]).toEqual([alg, 1]);
      expect(verifies(key.body.publicKeyJwk, alg, signed.body.signature)).toBe(
        true,
      );
      expect(
        (await call('get', `/v1/keys/${key.body.id}`, 'acme')).body,
      ).toEqual(key.body);
    }
    // The Vault answers of all of that carried public keys and signatures only.
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.some((r) => r.path.includes('/v1/transit/sign/'))).toBe(
      true,
    );
    expect(privateMaterialIn(recorded.map((r) => r.body))).toEqual([]);

    const k1 = await call('post', '/v1/keys', 'acme').send({
      type: 'secp256k1',
    });
    expect([k1.status, k1.body.custody]).toEqual([201, 'wallet']);
    const refused = await call('post', '/v1/keys', 'acme').send({
      type: 'secp256k1',
      custody: 'vault-transit',
    });
    expect([refused.status, refused.body.code]).toEqual([
      400,
      'validation_failed',
    ]);
    const asked = await call('post', '/v1/keys', 'acme').send({
      type: 'Ed25519',
      custody: 'wallet',
    });
    expect([asked.status, asked.body.custody, asked.body.versions]).toEqual([
      201,
      'wallet',
      undefined,
    ]);
  });

  it('rotates a Transit key: new signatures use v2, v1 signatures still verify with the listed v1 key', async () => {
    const key = (await call('post', '/v1/keys', 'acme').send({ type: 'P-256' }))
      .body;
    const before = (
      await call('post', `/v1/keys/${key.id}/sign`, 'acme').send({
        payload: payload.toString('base64url'),
      })
    ).body;
    recorded.length = 0;
    const rotated = await call('post', `/v1/keys/${key.id}/rotate`, 'acme');
    expect(rotated.status).toBe(200);
    expect(
      rotated.body.versions.map((v: { version: number }) => v.version),
    ).toEqual([1, 2]);
    expect(rotated.body.versions[0].publicKeyJwk).toEqual(key.publicKeyJwk);
    expect(rotated.body.publicKeyJwk).toEqual(
      rotated.body.versions[1].publicKeyJwk,
    );
    const after = (
      await call('post', `/v1/keys/${key.id}/sign`, 'acme').send({
        payload: payload.toString('base64url'),
      })
    ).body;
    expect(after.keyVersion).toBe(2);
    expect(
      verifies(rotated.body.versions[1].publicKeyJwk, 'ES256', after.signature),
    ).toBe(true);
    expect(
      verifies(
        rotated.body.versions[0].publicKeyJwk,
        'ES256',
        before.signature,
      ),
    ).toBe(true);
    expect(
      verifies(rotated.body.versions[0].publicKeyJwk, 'ES256', after.signature),
    ).toBe(false);
    expect(privateMaterialIn(recorded.map((r) => r.body))).toEqual([]);

    const walletKey = (
      await call('post', '/v1/keys', 'acme').send({ type: 'secp256k1' })
    ).body;
    expect(
      (await call('post', `/v1/keys/${walletKey.id}/rotate`, 'acme')).status,
    ).toBe(409);
  });

  it("refuses one tenant's token on another tenant's Transit keys straight at Vault, even with a shared name prefix", async () => {
    const victim = (
      await call('post', '/v1/keys', 'acme-corp').send({ type: 'Ed25519' })
    ).body;
    const own = (
      await call('post', '/v1/keys', 'acme').send({ type: 'Ed25519' })
    ).body;
    const acme = root
      .withToken(
        (await root.auth.jwt().login('tenant', jwtOf.acme)).clientToken,
      )
      .transit();
    // The tenant's own key works with its token...
    await expect(
      acme.sign(`tenant-acme__${own.id}`, payload),
    ).resolves.toMatchObject({ keyVersion: 1 });
    // ...another tenant's (whose name starts with "tenant-acme") does not.
    await expect(
      acme.sign(`tenant-acme-corp__${victim.id}`, payload),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      acme.readKey(`tenant-acme-corp__${victim.id}`),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      acme.rotateKey(`tenant-acme-corp__${victim.id}`),
    ).rejects.toMatchObject({ status: 403 });
    // And on its own keys: no deletion_allowed, no exportable key, no delete.
    await expect(
      acme.configureKey(`tenant-acme__${own.id}`, { deletionAllowed: true }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      acme.createKey(`tenant-acme__${randomUUID()}`, {
        type: 'ed25519',
        exportable: true,
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      acme.deleteKey(`tenant-acme__${own.id}`),
    ).rejects.toMatchObject({ status: 403 });
    // Through the wallet the other tenant's key simply does not exist.
    expect(
      (
        await call('post', `/v1/keys/${victim.id}/sign`, 'acme').send({
          payload: 'aGk',
        })
      ).status,
    ).toBe(404);
  });

  it('the provisioner can delete Transit keys but never use them; DELETE /keys/{id} removes the Transit key', async () => {
    const key = (
      await call('post', '/v1/keys', 'acme').send({ type: 'Ed25519' })
    ).body;
    const name = `tenant-acme__${key.id}`;
    await expect(
      deps.vault.transit().sign(name, payload),
    ).rejects.toMatchObject({ status: 403 });
    await expect(deps.vault.transit().readKey(name)).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      deps.vault.transit().configureKey(name, { minDecryptionVersion: 1 }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await call('delete', `/v1/keys/${key.id}`, 'acme')).status).toBe(
      204,
    );
    expect(await root.transit().readKey(name)).toBeUndefined();
    expect((await call('get', `/v1/keys/${key.id}`, 'acme')).status).toBe(404);
  });

  it("offboarding (destroyAll with the provisioner token) deletes the tenant's Transit keys and no one else's", async () => {
    await call('post', '/v1/keys', 'acme').send({ type: 'P-256' });
    const before = await root.transit().listKeys();
    expect(
      before.filter((n) => n.startsWith('tenant-acme__')).length,
    ).toBeGreaterThan(0);
    const corp = before.filter((n) => n.startsWith('tenant-acme-corp__'));
    expect(corp.length).toBeGreaterThan(0);
    // What tenant-directory's remove() runs, on the wallet's own (provisioner) client.
    const walletCore = createWalletCore({
      kvMount: 'secret',
      transit: { mount: 'transit', admin: deps.vault.transit('transit') },
    });
    await walletCore.forClient('acme', deps.vault).destroyAll();
    const after = await root.transit().listKeys();
    expect(after.filter((n) => n.startsWith('tenant-acme__'))).toEqual([]);
    expect(after.filter((n) => n.startsWith('tenant-acme-corp__'))).toEqual(
      corp,
    );
  });
});

async function bootstrapPhase4(
  root: VaultClient,
  tenantIssuerPem: string,
  dir: string,
): Promise<void> {
  await root.sys.enableAuthMethod('approle', { type: 'approle' });
  await root.sys.enableAuthMethod('jwt', { type: 'jwt' });
  const jwtAccessor = await root.sys.authAccessor('jwt');
  const policy = (name: string) =>
    fs
      .readFileSync(path.join(POLICIES, `${name}.hcl`), 'utf8')
      .split('{{jwt_accessor}}')
      .join(jwtAccessor ?? '');
  await root.sys.writePolicy('tenant-data', policy('tenant-data'));
  await root.sys.writePolicy(
    'wallet-provisioner',
    policy('wallet-provisioner'),
  );
  await root.auth.jwt().writeConfig({
    jwtValidationPubkeys: [tenantIssuerPem],
    boundIssuer: TENANT_ISSUER,
  });
  await root.auth.jwt().writeRole('tenant', {
    roleType: 'jwt',
    userClaim: 'tenant_id',
    boundAudiences: [TENANT_AUDIENCE],
    tokenPolicies: ['tenant-data'],
    tokenTtl: '15m',
  });
  await root.auth.approle().writeRole('wallet', {
    tokenPolicies: ['wallet-provisioner'],
    tokenTtl: '1h',
    tokenMaxTtl: '24h',
  });
  fs.writeFileSync(
    path.join(dir, 'role-id'),
    await root.auth.approle().readRoleId('wallet'),
  );
  fs.writeFileSync(
    path.join(dir, 'secret-id'),
    (await root.auth.approle().generateSecretId('wallet')).secretId ?? '',
  );
}

function serveJson(body: unknown): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

/** Forwards to Vault and keeps every answer body (loopback only). */
function recordingProxy(
  target: string,
  recorded: { path: string; body: string }[],
): Promise<http.Server> {
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          recorded.push({ path: req.url ?? '', body: body.toString('utf8') });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(body);
        });
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}
