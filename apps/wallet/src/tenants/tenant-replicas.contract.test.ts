import * as fs from 'node:fs';
import type * as http from 'node:http';
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
import { createServiceTokens } from '../../test/fakes/token-issuers';
import { bootstrapPhase4, CLIENT_ID } from '../../test/vault-phase4';

// Two wallet replicas (two full object graphs, two HTTP servers, two AppRole logins) sharing one
// vault-dev and nothing else, like the production Deployment with replicas > 1. They agree on
// who owns a tenant id only through Vault's KV check-and-set (docs/adr/0016).
const VAULT_DEV_TIMEOUT_MS = 60_000;
const CONCURRENT = 8;
jest.setTimeout(VAULT_DEV_TIMEOUT_MS);

describe('tenant administration on two wallet replicas sharing one vault-dev', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-replicas-'));
  const service = createServiceTokens();
  let vault: VaultDevServer;
  let root: VaultClient;
  const replicas: { deps: WalletDependencies; server: http.Server }[] = [];

  const admin = () => service.signer.sign({ scope: 'tenants:admin' });
  const onReplica = (i: number) => replicas[i % replicas.length].server;
  const createOn = (i: number, body: object) =>
    request(onReplica(i))
      .post('/v1/tenants')
      .set('X-Service-Token', admin())
      .send(body);
  const deleteOn = (i: number, id: string) =>
    request(onReplica(i))
      .delete(`/v1/tenants/${id}`)
      .set('X-Service-Token', admin());

  beforeAll(async () => {
    vault = await startVaultDev({ port: 0, rootToken: `root-${randomUUID()}` });
    root = createVaultClient({
      address: vault.address,
      auth: tokenAuth(vault.rootToken),
    });
    await bootstrapPhase4(root, vault.address, dir);
    const { issuer } = await root.identity.oidc.openidConfiguration();
    fs.writeFileSync(
      path.join(dir, 'service-keys.json'),
      JSON.stringify(service.publicJwks),
    );
    const config = loadConfig({
      VAULT_ADDR: vault.address,
      VAULT_APPROLE_ROLE_ID_FILE: path.join(dir, 'role-id'),
      VAULT_APPROLE_SECRET_ID_FILE: path.join(dir, 'secret-id'),
      TENANT_JWT_JWKS_URL: `${vault.address}/v1/identity/oidc/.well-known/keys`,
      TENANT_JWT_ISSUER: issuer,
      TENANT_JWT_AUDIENCE: CLIENT_ID,
      SERVICE_JWT_PUBLIC_KEYS_FILE: path.join(dir, 'service-keys.json'),
      WALLET_TENANCY: 'multi',
    });
    for (let i = 0; i < 2; i++) {
      const deps = createDependencies(config, {
        logger: createLogger({ name: `wallet-${i}`, level: 'silent' }),
      });
      const server = buildApp(deps).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      replicas.push({ deps, server });
    }
  }, VAULT_DEV_TIMEOUT_MS);

  afterAll(async () => {
    for (const { deps, server } of replicas) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await deps.vault.stop();
    }
    await root.stop();
    await vault.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, VAULT_DEV_TIMEOUT_MS);

  it(`gives exactly one of ${CONCURRENT} concurrent creates of one id (split across both) a password, and that password logs in`, async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        createOn(i, { id, name: 'contested' }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect({ created: created.length, refused: refused.length }).toEqual({
      created: 1,
      refused: CONCURRENT - 1,
    });
    for (const r of refused) expect(r.body).toMatchObject({ code: 'conflict' });
    for (const r of refused)
      expect(JSON.stringify(r.body)).not.toContain('password');

    const { password, username } = created[0].body.login as {
      username: string;
      password: string;
    };
    expect(username).toBe(id);
    // The returned password is the one Vault holds: userpass login through vault-dev succeeds and
    // its identity token carries the tenant id.
    const login = await root.auth.userpass().login(username, password);
    const jwt = await root
      .withToken(login.clientToken)
      .identity.oidc.generateToken('tenant');
    expect(
      JSON.parse(Buffer.from(jwt.token.split('.')[1], 'base64url').toString()),
    ).toMatchObject({ tenant_id: id });
    expect(
      (await root.kvV2('secret').read(`tenants/${id}/seed`))?.data['value'],
    ).toMatch(/^[0-9a-f]{128}$/);
    // Both replicas see the same single tenant.
    for (let i = 0; i < 2; i++) {
      const read = await request(onReplica(i))
        .get(`/v1/tenants/${id}`)
        .set('X-Service-Token', admin());
      expect(read.status).toBe(200);
    }
    expect((await createOn(1, { id, name: 'contested' })).status).toBe(409);
  });

  it(`deletes once when ${CONCURRENT} concurrent deletes of one tenant are split across both`, async () => {
    const id = randomUUID();
    const created = await createOn(0, { id, name: 'doomed' });
    expect(created.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => deleteOn(i, id)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    // The others lost the claim while the winner worked (409) or came after it finished (404).
    expect(
      statuses.filter((s) => s !== 204).every((s) => s === 409 || s === 404),
    ).toBe(true);

    for (let i = 0; i < 2; i++)
      expect((await deleteOn(i, id)).status).toBe(404);
    await expect(
      root.auth.userpass().login(id, created.body.login.password),
    ).rejects.toMatchObject({ status: 400 });
    expect(await root.kvV2('secret').list(`tenants/${id}`)).toEqual([]);
    expect((await createOn(1, { id, name: 'doomed' })).status).toBe(409);
  });

  it('creates different ids concurrently on both replicas without refusing any', async () => {
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const answers = await Promise.all(
      ids.map((id, i) => createOn(i, { id, name: `tenant-${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
  });
});
