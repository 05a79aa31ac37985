import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import {
  approleAuth,
  createVaultClient,
  tokenAuth,
  VaultUnavailableError,
  type VaultClient,
} from '@secret-flows/vault-client';
import { createWalletCore } from '@secret-flows/wallet-core';
import {
  createVaultTenantDirectory,
  type TenantDirectory,
} from './tenant-directory';
import { createAsTenant, type AsTenant } from './tenant-identity';
import { liveEntityName, tenantMetadata } from './tenant-records';
import { bootstrapPhase4, CLIENT_ID } from '../../test/vault-phase4';

// The real tenant directory against vault-dev bootstrapped like phase 4 (deploy/vault/policies):
// the wallet's AppRole has wallet-provisioner only; Vault's identity tokens are what auth/jwt trusts.
const VAULT_DEV_TIMEOUT_MS = 30_000;
jest.setTimeout(VAULT_DEV_TIMEOUT_MS);

describe('tenant directory on Vault (phase 4 onboarding against vault-dev)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-tenants-'));
  const walletCore = createWalletCore({ kvMount: 'secret' });
  let vault: VaultDevServer;
  let root: VaultClient;
  let provisioner: VaultClient;
  let asTenant: AsTenant;
  let failNextSeed = false;
  let duringSeed: (() => Promise<void>) | undefined;
  let clockAheadMs = 0;
  const LEASE_MS = 60_000;
  const disabled: string[] = [];
  let tenants: TenantDirectory;

  beforeAll(async () => {
    vault = await startVaultDev({ port: 0, rootToken: `root-${randomUUID()}` });
    root = createVaultClient({
      address: vault.address,
      auth: tokenAuth(vault.rootToken),
    });
    await bootstrapPhase4(root, vault.address, dir);
    provisioner = createVaultClient({
      address: vault.address,
      auth: approleAuth({
        roleIdFile: path.join(dir, 'role-id'),
        secretIdFile: path.join(dir, 'secret-id'),
      }),
    });
    const realAsTenant = createAsTenant({
      vault: provisioner,
      userpassMount: 'userpass',
      jwtMount: 'jwt',
      jwtRole: 'tenant',
      oidcRole: 'tenant',
    });
    // Stands in for Vault going away exactly between "login created" and "seed written".
    asTenant = async (login, use) => {
      const hook = duringSeed;
      duringSeed = undefined;
      await hook?.();
      if (!failNextSeed) return realAsTenant(login, use);
      failNextSeed = false;
      return Promise.reject(
        new VaultUnavailableError({
          path: 'secret/data/x',
          reason: 'connect ECONNREFUSED',
          attempts: 1,
        }),
      );
    };
    tenants = createVaultTenantDirectory({
      vault: provisioner,
      walletCore,
      asTenant: (login, use) => asTenant(login, use),
      userpassMount: 'userpass',
      jwtMount: 'jwt',
      onDisabled: (id) => disabled.push(id),
      retryAfterSeconds: 5,
      claimLeaseMs: LEASE_MS,
      now: () => Date.now() + clockAheadMs,
    });
  }, VAULT_DEV_TIMEOUT_MS);

  afterEach(() => {
    clockAheadMs = 0;
  });

  afterAll(async () => {
    await provisioner.stop();
    await root.stop();
    await vault.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, VAULT_DEV_TIMEOUT_MS);

  const seedOf = async (id: string) =>
    (await root.kvV2('secret').read(`tenants/${id}/seed`))?.data['value'];

  it('creates a tenant whose login yields a JWT with its tenant_id and whose seed is in Vault', async () => {
    const created = await tenants.create({ name: 'acme' });
    expect(created).toMatchObject({
      name: 'acme',
      login: { username: created.id, password: expect.any(String) },
    });
    expect(await seedOf(created.id)).toMatch(/^[0-9a-f]{128}$/);
    const login = await root.auth
      .userpass()
      .login(
        created.login?.username as string,
        created.login?.password as string,
      );
    const jwt = await root
      .withToken(login.clientToken)
      .identity.oidc.generateToken('tenant');
    expect(
      JSON.parse(Buffer.from(jwt.token.split('.')[1], 'base64url').toString()),
    ).toMatchObject({ tenant_id: created.id, aud: CLIENT_ID });
    expect(await tenants.get(created.id)).toEqual({
      id: created.id,
      name: 'acme',
      createdAt: created.createdAt,
      updatedAt: created.updatedAt,
    });
  });

  it('imports a given seed and never overwrites it: the same id again is a conflict', async () => {
    const id = randomUUID();
    const seed = randomBytes(64).toString('hex');
    await tenants.create({ id, name: 'imported', seed });
    expect(await seedOf(id)).toBe(seed);
    await expect(
      tenants.create({ id, name: 'imported', seed }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      tenants.create({
        id,
        name: 'other',
        seed: randomBytes(64).toString('hex'),
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await seedOf(id)).toBe(seed);
  });

  it('rolls a half-made tenant back when Vault fails before the seed is written, so a retry starts clean', async () => {
    const id = randomUUID();
    failNextSeed = true;
    await expect(tenants.create({ id, name: 'flaky' })).rejects.toMatchObject({
      code: 'vault_unavailable',
      retryAfterSeconds: 5,
    });
    expect(
      await root.identity.readEntityByName(liveEntityName(id)),
    ).toBeUndefined();
    expect(await root.auth.userpass().readUser(id)).toBeUndefined();
    await expect(tenants.get(id)).rejects.toMatchObject({ code: 'not_found' });
    const retried = await tenants.create({ id, name: 'flaky' });
    expect(retried.id).toBe(id);
    expect(await seedOf(id)).toMatch(/^[0-9a-f]{128}$/);
  });

  it('completes a tenant left half-made by a crash when the same id is retried', async () => {
    const id = randomUUID();
    await root.identity.createEntity({
      name: liveEntityName(id),
      metadata: tenantMetadata({ id, name: 'crashed', state: 'provisioning' }),
    });
    await expect(tenants.get(id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      tenants.create({ id, name: 'someone-else' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const done = await tenants.create({ id, name: 'crashed' });
    expect(done.login?.password).toEqual(expect.any(String));
    expect(await seedOf(id)).toMatch(/^[0-9a-f]{128}$/);
    expect((await tenants.get(id)).name).toBe('crashed');
  });

  it('refuses a create while another request holds the id, and takes a claim over once its lease ran out', async () => {
    const id = randomUUID();
    // What a wallet replica that crashed mid-create leaves: its claim and a half-made entity.
    await root
      .kvV2('secret')
      .write(
        `tenant-claims/${id}`,
        { state: 'creating', owner: 'crashed', since: Date.now() },
        { cas: 0 },
      );
    await root.identity.createEntity({
      name: liveEntityName(id),
      metadata: tenantMetadata({ id, name: 'orphan', state: 'provisioning' }),
    });
    await expect(tenants.create({ id, name: 'orphan' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(tenants.delete(id)).rejects.toMatchObject({
      code: 'conflict',
    });
    clockAheadMs = LEASE_MS + 1;
    const done = await tenants.create({ id, name: 'orphan' });
    const login = await root.auth
      .userpass()
      .login(id, done.login?.password as string);
    expect(login.clientToken).toEqual(expect.any(String));
    expect(
      (await root.kvV2('secret').read(`tenant-claims/${id}`))?.data,
    ).toMatchObject({ state: 'active' });
  });

  it('hands out no password when another request took its claim over while it worked', async () => {
    const id = randomUUID();
    duringSeed = async () => {
      const claim = await root.kvV2('secret').read(`tenant-claims/${id}`);
      await root
        .kvV2('secret')
        .write(
          `tenant-claims/${id}`,
          { state: 'creating', owner: 'other', since: Date.now() },
          { cas: claim?.metadata.version },
        );
    };
    const outcome = await tenants.create({ id, name: 'overtaken' }).then(
      (created) => ({ password: created.login?.password }),
      (err: unknown) => ({ error: err }),
    );
    expect(outcome).toEqual({
      error: expect.objectContaining({ code: 'conflict' }),
    });
    // Left active with a login nobody was given (docs/adr/0016): an operator deletes and recreates it.
    expect((await tenants.get(id)).name).toBe('overtaken');
  });

  it('finishes a delete left half-done by a crash once its claim lease ran out', async () => {
    const created = await tenants.create({ name: 'half-deleted' });
    const id = created.id;
    const claim = await root.kvV2('secret').read(`tenant-claims/${id}`);
    await root
      .kvV2('secret')
      .write(
        `tenant-claims/${id}`,
        { state: 'deleting', owner: 'crashed', since: Date.now() },
        { cas: claim?.metadata.version },
      );
    await expect(tenants.delete(id)).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await tenants.get(id)).id).toBe(id);
    clockAheadMs = LEASE_MS + 1;
    await tenants.delete(id);
    await expect(tenants.get(id)).rejects.toMatchObject({ code: 'not_found' });
    expect(
      (await root.kvV2('secret').read(`tenant-claims/${id}`))?.data,
    ).toMatchObject({ state: 'deleted' });
    await expect(tenants.delete(id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('deletes a tenant: entity disabled, login gone, secrets destroyed, its JWT refused by Vault, id never reused', async () => {
    const created = await tenants.create({ name: 'doomed' });
    const id = created.id;
    const login = await root.auth
      .userpass()
      .login(id, created.login?.password as string);
    const jwt = (
      await root
        .withToken(login.clientToken)
        .identity.oidc.generateToken('tenant')
    ).token;
    const tenantToken = (await root.auth.jwt().login('tenant', jwt))
      .clientToken;
    await root
      .withToken(tenantToken)
      .kvV2('secret')
      .write(`tenants/${id}/secrets/a/b`, { value: 'x' });

    await tenants.delete(id);
    expect(disabled).toContain(id);
    await expect(
      root
        .withToken(tenantToken)
        .kvV2('secret')
        .read(`tenants/${id}/secrets/a/b`),
    ).rejects.toMatchObject({ status: 403 });
    await expect(root.auth.jwt().login('tenant', jwt)).rejects.toMatchObject({
      status: 403,
    });
    expect(await root.auth.userpass().readUser(id)).toBeUndefined();
    expect(await root.kvV2('secret').list(`tenants/${id}`)).toEqual([]);
    await expect(tenants.get(id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(tenants.delete(id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(tenants.create({ id, name: 'doomed' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('lists live tenants one page at a time in a stable order', async () => {
    const all = await tenants.list({ offset: 0, limit: 100 });
    expect(all.hasNext).toBe(false);
    expect(all.contents.map((t) => t.name).sort()).toEqual([
      'acme',
      'crashed',
      'flaky',
      'imported',
      'orphan',
      'overtaken',
    ]);
    const first = await tenants.list({ offset: 0, limit: 3 });
    const second = await tenants.list({ offset: 3, limit: 3 });
    expect(first.hasNext).toBe(true);
    expect(second.hasNext).toBe(false);
    expect([...first.contents, ...second.contents]).toEqual(all.contents);
  });

  it('cannot read any tenant data with the provisioner token it works with', async () => {
    const { id } = await tenants.create({ name: 'private' });
    await expect(
      provisioner.kvV2('secret').read(`tenants/${id}/seed`),
    ).rejects.toMatchObject({ status: 403 });
  });
});
