import { createPublicKey, randomUUID, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAppError, type Key } from '@secret-flows/contracts';
import {
  createVaultClient,
  tokenAuth,
  type VaultClient,
} from '@secret-flows/vault-client';
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import {
  createAgentVaultBackend,
  type AgentVaultBackend,
} from '../../src/index';

const ctx = { requestId: 'req-1' };

// The agent's phase-2 AppRole policy as deployed: the bootstrap applies this same file to real Vault.
const AGENT_POLICY = fs.readFileSync(
  path.resolve(__dirname, '../../../../deploy/vault/policies/agent.hcl'),
  'utf8',
);

function verifies(key: Key, payload: Buffer, signature: string): boolean {
  const publicKey = createPublicKey({ key: key.publicKeyJwk, format: 'jwk' });
  const sig = Buffer.from(signature, 'base64url');
  return key.type === 'Ed25519'
    ? verify(null, payload, publicKey, sig)
    : verify(
        'sha256',
        payload,
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        sig,
      );
}

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(err))
    throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe('agent vault backend against vault-dev', () => {
  let vault: VaultDevServer;
  let root: VaultClient;
  let dir: string;
  const backends: AgentVaultBackend[] = [];
  const track = (backend: AgentVaultBackend) => (
    backends.push(backend),
    backend
  );

  beforeAll(async () => {
    vault = await startVaultDev({ port: 0, rootToken: `root-${randomUUID()}` });
    root = createVaultClient({
      address: vault.address,
      auth: tokenAuth(vault.rootToken),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-vault-'));
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
    await root.stop();
    await vault.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const phase1 = () =>
    track(
      createAgentVaultBackend({
        address: vault.address,
        timeoutMs: 2000,
        kvMount: 'secret',
        auth: { method: 'token', token: vault.rootToken },
      }),
    );

  it.each(['Ed25519', 'secp256k1', 'P-256'] as const)(
    'phase 1: creates a %s key whose signatures verify',
    async (type) => {
      const backend = phase1();
      const key = await backend.keys.create(ctx, { type });
      const payload = Buffer.from(`payload for ${type}`);
      const { signature } = await backend.keys.sign(ctx, key.id, {
        payload: payload.toString('base64url'),
      });
      expect(verifies(key, payload, signature)).toBe(true);
      expect(await backend.keys.get(ctx, key.id)).toEqual(key);
      expect((await backend.keys.list(ctx)).keys.map((k) => k.id)).toContain(
        key.id,
      );
      await backend.keys.delete(ctx, key.id);
      expect((await failure(backend.keys.get(ctx, key.id))).code).toBe(
        'not_found',
      );
    },
  );

  it('phase 1: stores versioned secrets with check-and-set under tenants/default (no migration for phase 3)', async () => {
    const backend = phase1();
    expect(
      await backend.secrets.put(ctx, 'db/password', { value: 'one', cas: 0 }),
    ).toEqual({ name: 'db/password', version: 1 });
    expect(
      (
        await failure(
          backend.secrets.put(ctx, 'db/password', { value: 'again', cas: 0 }),
        )
      ).code,
    ).toBe('conflict');
    await backend.secrets.put(ctx, 'db/password', { value: 'two', cas: 1 });
    expect(await backend.secrets.get(ctx, 'db/password')).toMatchObject({
      value: 'two',
      version: 2,
    });
    expect(await backend.secrets.get(ctx, 'db/password', 1)).toMatchObject({
      value: 'one',
      version: 1,
    });
    expect((await backend.secrets.list(ctx)).names).toContain('db/password');

    const raw = await root
      .kvV2('secret')
      .read('tenants/default/secrets/db/password');
    expect(raw?.data).toEqual({ value: 'two' });
    await backend.secrets.delete(ctx, 'db/password');
    expect((await failure(backend.secrets.get(ctx, 'db/password'))).code).toBe(
      'not_found',
    );
  });

  it("phase 1: writes the default wallet's seed once, before the first operation, and reports ready", async () => {
    const backend = phase1();
    expect(await backend.readiness()).toEqual({
      vault: { ok: true },
      token: { ok: true },
      seed: { ok: true },
    });
    const seed = await root.kvV2('secret').read('tenants/default/seed');
    expect(String(seed?.data?.value)).toMatch(/^[0-9a-f]{128}$/);
    await phase1().secrets.list(ctx);
    expect(
      (await root.kvV2('secret').read('tenants/default/seed'))?.data,
    ).toEqual(seed?.data);
  });

  it('phase 2: logs in with AppRole (secret_id from a file) and does everything under deploy/vault/policies/agent.hcl', async () => {
    await root.sys.enableAuthMethod('approle', { type: 'approle' });
    await root.sys.writePolicy('agent-default-tenant', AGENT_POLICY);
    const approle = root.auth.approle('approle');
    await approle.writeRole('agent', {
      tokenPolicies: ['agent-default-tenant'],
      tokenTtl: '10m',
    });
    const generated = await approle.generateSecretId('agent');
    const secretIdFile = path.join(dir, 'secret-id');
    fs.writeFileSync(secretIdFile, `${generated.secretId}\n`);

    const backend = track(
      createAgentVaultBackend({
        address: vault.address,
        timeoutMs: 2000,
        kvMount: 'secret',
        auth: {
          method: 'approle',
          roleId: await approle.readRoleId('agent'),
          secretIdFile,
        },
      }),
    );
    expect(await backend.readiness()).toEqual({
      vault: { ok: true },
      token: { ok: true },
      seed: { ok: true },
    });
    await backend.secrets.put(ctx, 'phase2/nested', { value: 'via approle' });
    expect((await backend.secrets.get(ctx, 'phase2/nested')).value).toBe(
      'via approle',
    );
    expect((await backend.secrets.list(ctx)).names).toContain('phase2/nested');
    await backend.secrets.delete(ctx, 'phase2/nested');
    const key = await backend.keys.create(ctx, { type: 'Ed25519' });
    await backend.keys.sign(ctx, key.id, { payload: 'aGk' });
    expect((await backend.keys.list(ctx)).keys.map((k) => k.id)).toContain(
      key.id,
    );
    await backend.keys.delete(ctx, key.id);
  });

  it('answers vault_unavailable with Retry-After, and not-ready, when Vault does not answer', async () => {
    const backend = track(
      createAgentVaultBackend({
        address: 'http://127.0.0.1:9',
        timeoutMs: 500,
        kvMount: 'secret',
        auth: { method: 'token', token: 'root' },
      }),
    );
    const err = await failure(backend.secrets.get(ctx, 'anything'));
    expect(err.status).toBe(503);
    expect(err.retryAfterSeconds).toBeGreaterThan(0);
    expect((await backend.readiness()).vault.ok).toBe(false);
  });
});
