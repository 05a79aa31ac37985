import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  type VaultClient,
} from '@secret-flows/vault-client';
import { createLogger } from '@secret-flows/telemetry';
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

// Phase 4 against vault-dev: the wallet's AppRole has only deploy/vault/policies/wallet-provisioner.hcl,
// tenant data is reached only with tokens from auth/jwt/login (role `tenant`, policy tenant-data).
const POLICIES = path.resolve(__dirname, '../../../../deploy/vault/policies');

// A real server on a shared two-core machine: generous, but bounded.
const VAULT_DEV_TIMEOUT_MS = 30_000;
jest.setTimeout(VAULT_DEV_TIMEOUT_MS);

describe('wallet in multi tenancy against vault-dev (phase 4)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-multi-'));
  const tenants = createTenantIssuer();
  const service = createServiceTokens();
  let vault: VaultDevServer;
  let root: VaultClient;
  let jwksServer: http.Server;
  let deps: WalletDependencies;
  let wallet: http.Server;
  const jwtOf = {
    alpha: tenants.sign({ tenant_id: 'alpha', sub: 'e-alpha' }),
    bravo: tenants.sign({ tenant_id: 'bravo', sub: 'e-bravo' }),
  };

  const call = (
    method: 'get' | 'post' | 'put',
    url: string,
    tenant: keyof typeof jwtOf,
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
    await bootstrapPhase4(
      root,
      tenants.publicKey.export({ format: 'pem', type: 'spki' }) as string,
      dir,
    );
    jwksServer = await serveJson(tenants.jwks);
    fs.writeFileSync(
      path.join(dir, 'service-keys.json'),
      JSON.stringify(service.publicJwks),
    );
    const config = loadConfig({
      VAULT_ADDR: vault.address,
      VAULT_APPROLE_ROLE_ID_FILE: path.join(dir, 'role-id'),
      VAULT_APPROLE_SECRET_ID_FILE: path.join(dir, 'secret-id'),
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
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }, VAULT_DEV_TIMEOUT_MS);

  it('serves each tenant its own data through its exchanged token', async () => {
    expect(
      (
        await call('put', '/v1/secrets/api-key', 'alpha').send({
          value: 'alpha-value',
        })
      ).status,
    ).toBe(200);
    const key = await call('post', '/v1/keys', 'alpha').send({
      type: 'Ed25519',
    });
    expect(key.status).toBe(201);
    expect(
      (
        await call('post', `/v1/keys/${key.body.id}/sign`, 'alpha').send({
          payload: 'aGk',
        })
      ).status,
    ).toBe(200);

    expect((await call('get', '/v1/secrets/api-key', 'alpha')).body.value).toBe(
      'alpha-value',
    );
    expect((await call('get', '/v1/secrets/api-key', 'bravo')).status).toBe(
      404,
    );
    expect((await call('get', `/v1/keys/${key.body.id}`, 'bravo')).status).toBe(
      404,
    );
    expect((await call('get', '/v1/secrets', 'bravo')).body).toEqual({
      names: [],
    });
  });

  it("refuses the wallet's own AppRole token on tenant data: Vault, not the wallet, enforces isolation", async () => {
    await expect(
      deps.vault.kvV2('secret').read('tenants/alpha/secrets/api-key'),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("refuses one tenant's exchanged token on another tenant's path", async () => {
    const alphaToken = await root.auth.jwt().login('tenant', jwtOf.alpha);
    const alpha = root.withToken(alphaToken.clientToken).kvV2('secret');
    expect((await alpha.read('tenants/alpha/secrets/api-key'))?.data).toEqual({
      value: 'alpha-value',
    });
    await expect(
      alpha.read('tenants/bravo/secrets/anything'),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      alpha.write('tenants/bravo/secrets/planted', { value: 'x' }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('exchanges each JWT once however many requests carry it', async () => {
    const before = await exchanges();
    await Promise.all(
      Array.from({ length: 10 }, () => call('get', '/v1/secrets', 'bravo')),
    );
    await Promise.all(
      Array.from({ length: 10 }, () => call('get', '/v1/secrets', 'alpha')),
    );
    expect((await exchanges()) - before).toBe(0);
  });

  it('answers 401 when Vault refuses the tenant JWT', async () => {
    const unbound = tenants.sign({
      tenant_id: 'charlie',
      aud: [TENANT_AUDIENCE, 'x'],
      sub: 'e-c',
    });
    await root.auth.jwt().writeRole('tenant', {
      roleType: 'jwt',
      userClaim: 'tenant_id',
      boundAudiences: ['someone-else'],
      tokenPolicies: ['tenant-data'],
    });
    try {
      const res = await request(wallet)
        .get('/v1/secrets')
        .set('X-Service-Token', service.signer.sign())
        .set('Authorization', `Bearer ${unbound}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    } finally {
      await writeTenantRole(root);
    }
  });

  async function exchanges(): Promise<number> {
    const metric = await deps.metrics.counters.jwtExchanges.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  }
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
  await writeTenantRole(root);
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

function writeTenantRole(root: VaultClient): Promise<void> {
  return root.auth.jwt().writeRole('tenant', {
    roleType: 'jwt',
    userClaim: 'tenant_id',
    boundAudiences: [TENANT_AUDIENCE],
    tokenPolicies: ['tenant-data'],
    tokenTtl: '15m',
  });
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
