import { createPublicKey, randomUUID, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import { createVaultClient, tokenAuth } from '@secret-flows/vault-client';
import { createLogger } from '@secret-flows/telemetry';
import request from 'supertest';
import { buildApp } from './app';
import { createDependencies, type WalletDependencies } from './compose';
import { loadConfig } from './config';
import {
  createServiceTokens,
  createTenantIssuer,
  TENANT_AUDIENCE,
  TENANT_ISSUER,
} from '../test/fakes/token-issuers';

// The real wallet (config -> compose -> app) against vault-dev, prepared the way the bootstrap
// command does it for phase 3: KV v2, AppRole role `wallet` with deploy/vault/policies/wallet.hcl,
// role_id and secret_id in files. Tenant JWTs come from a local JWKS endpoint.
const WALLET_POLICY = path.resolve(
  __dirname,
  '../../../deploy/vault/policies/wallet.hcl',
);

// A real server on a shared two-core machine: generous, but bounded.
const VAULT_DEV_TIMEOUT_MS = 30_000;
jest.setTimeout(VAULT_DEV_TIMEOUT_MS);

describe('wallet against vault-dev (phase 3, AppRole)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-contract-'));
  const rootToken = `root-${randomUUID()}`;
  const unsealKey = Buffer.alloc(32, 7).toString('base64');
  const tenants = createTenantIssuer();
  const service = createServiceTokens();
  let vault: VaultDevServer;
  let jwksServer: http.Server;
  let deps: WalletDependencies;
  let wallet: http.Server;

  const call = (
    method: 'get' | 'post' | 'put' | 'delete',
    url: string,
    tenantId = 'acme',
  ) =>
    request(wallet)
      [method](url)
      .set('X-Service-Token', service.signer.sign())
      .set('Authorization', `Bearer ${tenants.sign({ tenant_id: tenantId })}`);

  beforeAll(async () => {
    vault = await startVaultDev({
      port: 0,
      rootToken,
      dataDir: path.join(dir, 'vault'),
      unsealKey,
    });
    await bootstrapPhase3(vault.address, rootToken, dir);
    jwksServer = await serveJson(tenants.jwks);
    fs.writeFileSync(
      path.join(dir, 'service-keys.json'),
      JSON.stringify(service.publicJwks),
    );
    const config = loadConfig({
      VAULT_ADDR: vault.address,
      VAULT_TIMEOUT_MS: '1000',
      VAULT_APPROLE_ROLE_ID_FILE: path.join(dir, 'role-id'),
      VAULT_APPROLE_SECRET_ID_FILE: path.join(dir, 'secret-id'),
      TENANT_JWT_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/keys`,
      TENANT_JWT_ISSUER: TENANT_ISSUER,
      TENANT_JWT_AUDIENCE: TENANT_AUDIENCE,
      SERVICE_JWT_PUBLIC_KEYS_FILE: path.join(dir, 'service-keys.json'),
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
    await vault.stop();
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }, VAULT_DEV_TIMEOUT_MS);

  it('logs in with AppRole and reports ready', async () => {
    const res = await request(wallet).get('/_system/ready');
    expect(res.body).toEqual({
      status: 'ready',
      checks: { vault: { ok: true }, vaultToken: { ok: true } },
    });
    expect(deps.vault.status()).toMatchObject({
      authenticated: true,
      logins: 1,
    });
    const metrics = await request(wallet).get('/_system/metrics');
    expect(metrics.text).toMatch(/^vault_client_logins\{[^}]*\} 1$/m);
  });

  it.each([
    ['Ed25519', 'EdDSA'],
    ['secp256k1', 'ES256K'],
    ['P-256', 'ES256'],
  ])(
    'creates a %s key, signs (%s) and the signature verifies with node:crypto',
    async (type, alg) => {
      const key = await call('post', '/v1/keys').send({ type });
      expect(key.status).toBe(201);
      const payload = Buffer.from(`integration ${type}`);
      const signed = await call('post', `/v1/keys/${key.body.id}/sign`).send({
        payload: payload.toString('base64url'),
      });
      expect(signed.body.alg).toBe(alg);
      const publicKey = createPublicKey({
        key: key.body.publicKeyJwk,
        format: 'jwk',
      });
      const signature = Buffer.from(signed.body.signature, 'base64url');
      const ok =
        type === 'Ed25519'
          ? verify(null, payload, publicKey, signature)
          : verify(
              'sha256',
              payload,
              { key: publicKey, dsaEncoding: 'ieee-p1363' },
              signature,
            );
      expect(ok).toBe(true);
    },
  );

  it('keeps secret versions, refuses a stale cas with 409, lists and deletes', async () => {
    expect(
      (
        await call('put', '/v1/secrets/db/password').send({
          value: 'one',
          cas: 0,
        })
      ).body,
    ).toEqual({ name: 'db/password', version: 1 });
    expect(
      (
        await call('put', '/v1/secrets/db/password').send({
          value: 'two',
          cas: 1,
        })
      ).body.version,
    ).toBe(2);
    expect(
      (
        await call('put', '/v1/secrets/db/password').send({
          value: 'three',
          cas: 1,
        })
      ).status,
    ).toBe(409);
    expect(
      (await call('get', '/v1/secrets/db/password?version=1')).body.value,
    ).toBe('one');
    expect((await call('get', '/v1/secrets')).body).toEqual({
      names: ['db/password'],
    });
    expect((await call('delete', '/v1/secrets/db/password')).status).toBe(204);
    expect((await call('get', '/v1/secrets/db/password')).status).toBe(404);
    expect((await call('get', '/v1/secrets', 'other')).body).toEqual({
      names: [],
    });
  });

  it('answers 503 with Retry-After while Vault is down and recovers without a restart', async () => {
    await call('put', '/v1/secrets/durable').send({ value: 'kept' });
    const port = vault.port;
    await vault.stop();

    const down = await call('get', '/v1/secrets/durable');
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('vault_unavailable');
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(wallet).get('/_system/ready')).status).toBe(503);

    vault = await startVaultDev({
      port,
      rootToken,
      dataDir: path.join(dir, 'vault'),
      unsealKey,
    });
    const back = await call('get', '/v1/secrets/durable');
    expect(back.status).toBe(200);
    expect(back.body.value).toBe('kept');
    expect((await request(wallet).get('/_system/ready')).status).toBe(200);
  });
});

async function bootstrapPhase3(
  address: string,
  rootToken: string,
  dir: string,
): Promise<void> {
  const root = createVaultClient({ address, auth: tokenAuth(rootToken) });
  try {
    await root.sys.enableSecretsEngine('secret', {
      type: 'kv',
      options: { version: '2' },
    });
    await root.sys.enableAuthMethod('approle', { type: 'approle' });
    await root.sys.writePolicy(
      'wallet',
      fs.readFileSync(WALLET_POLICY, 'utf8'),
    );
    await root.auth.approle().writeRole('wallet', {
      tokenPolicies: ['wallet'],
      tokenTtl: '1h',
      tokenMaxTtl: '24h',
    });
    fs.writeFileSync(
      path.join(dir, 'role-id'),
      await root.auth.approle().readRoleId('wallet'),
      { mode: 0o600 },
    );
    const { secretId } = await root.auth.approle().generateSecretId('wallet');
    fs.writeFileSync(path.join(dir, 'secret-id'), secretId ?? '', {
      mode: 0o600,
    });
  } finally {
    await root.stop();
  }
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
