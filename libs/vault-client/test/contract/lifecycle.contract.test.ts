import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  approleAuth,
  createHttpTransport,
  isVaultUnavailable,
  VaultAuthError,
  type VaultRequest,
} from '../../src/index';
import { approleAuth as approle, tokenAuth } from '../../src/index';
import { createManualClock } from '../fakes/manual-clock';
import {
  countingAuth,
  countingTransport,
  startVault,
  startVaultDev,
  type TestVault,
} from './harness';

// Short TTLs (token_ttl 2 s, token_max_ttl 5 s) on one manual clock shared by vault-dev and
// the client, so the TTL math of Vault's token store runs without sleeping.
describe('token lifecycle against vault-dev', () => {
  const clock = createManualClock(Date.now());
  let vault: TestVault;
  let dir: string;
  let roleId: string;
  const newSecretIdFile = async (opts: { numUses?: number } = {}) => {
    const file = path.join(dir, `sid-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(
      file,
      (await vault.root.auth.approle().generateSecretId('short', opts))
        .secretId as string,
    );
    return file;
  };

  beforeAll(async () => {
    vault = await startVault({ clock: clock.now });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vc-life-'));
    await vault.root.sys.enableAuthMethod('approle', { type: 'approle' });
    await vault.root.sys.writePolicy(
      'app',
      'path "secret/data/app/*" {\n  capabilities = ["create", "read", "update"]\n}\n',
    );
    await vault.root.auth.approle().writeRole('short', {
      tokenPolicies: ['app'],
      tokenTtl: 2,
      tokenMaxTtl: 5,
    });
    roleId = await vault.root.auth.approle().readRoleId('short');
    await vault.root.kvV2('secret').write('app/x', { v: 1 });
  });
  afterAll(async () => {
    await vault.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renews at about 2/3 of the lease and logs in again before max TTL without a failed request', async () => {
    const auth = countingAuth(
      approleAuth({ roleId, secretIdFile: await newSecretIdFile() }),
    );
    const wire = countingTransport(
      createHttpTransport({ address: vault.server.address }),
    );
    const client = vault.client({ auth, transport: wire.transport, clock });
    const failures: unknown[] = [];
    for (let step = 0; step < 130; step++) {
      // The read is real I/O, which also lets a renewal fired by the clock finish.
      await client
        .kvV2('secret')
        .read('app/x')
        .catch((e: unknown) => failures.push(e));
      await clock.advance(50);
    }
    expect(failures).toEqual([]);
    expect(wire.count(/^auth\/token\/renew-self$/)).toBeGreaterThanOrEqual(2);
    expect(auth.count()).toBe(2);
    expect(client.status()).toMatchObject({ authenticated: true, logins: 2 });
  });

  it('logs in exactly once for 200 concurrent requests on a cold client', async () => {
    const auth = countingAuth(
      approleAuth({ roleId, secretIdFile: await newSecretIdFile() }),
    );
    const client = vault.client({ auth });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => client.kvV2('secret').read('app/x')),
    );
    expect(results.every((r) => r?.data['v'] === 1)).toBe(true);
    expect(auth.count()).toBe(1);
  });

  it('costs one re-login when the token is revoked out of band', async () => {
    const auth = countingAuth(
      approleAuth({ roleId, secretIdFile: await newSecretIdFile() }),
    );
    const client = vault.client({ auth });
    const { accessor } = await client.auth.token.lookupSelf();
    await vault.root.auth.token.revokeAccessor(accessor);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => client.kvV2('secret').read('app/x')),
    );
    expect(results.every((r) => r?.data['v'] === 1)).toBe(true);
    expect(auth.count()).toBe(2);
  });

  it('gives a clear error and an unready status when the secret_id is used up, and logs no credential', async () => {
    const logs: unknown[] = [];
    const logger = {
      info: (...a: unknown[]) => logs.push(a),
      warn: (...a: unknown[]) => logs.push(a),
      error: (...a: unknown[]) => logs.push(a),
      debug: (...a: unknown[]) => logs.push(a),
    };
    const secretIdFile = await newSecretIdFile({ numUses: 1 });
    const inner = createHttpTransport({ address: vault.server.address });
    const tokensSeen = new Set<string>();
    const transport = {
      send: (r: VaultRequest) => (
        r.token && tokensSeen.add(r.token),
        inner.send(r)
      ),
      close: () => inner.close(),
    };
    const client = vault.client({
      auth: approleAuth({ roleId, secretIdFile }),
      logger,
      transport,
    });
    await client.login();
    const { accessor } = await client.auth.token.lookupSelf();
    await vault.root.auth.token.revokeAccessor(accessor);
    const error = await client
      .kvV2('secret')
      .read('app/x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultAuthError);
    expect((error as Error).message).toMatch(
      /approle login failed: invalid role or secret ID .*used up/,
    );
    expect(client.status()).toMatchObject({
      authenticated: false,
      lastError: expect.stringContaining('invalid role or secret ID'),
    });
    const logged = JSON.stringify(logs);
    expect(logged).toContain('Vault login failed');
    expect(tokensSeen.size).toBe(1);
    for (const secret of [
      fs.readFileSync(secretIdFile, 'utf8'),
      roleId,
      ...tokensSeen,
    ])
      expect(logged).not.toContain(secret);
  });

  it('unwraps a wrapped secret_id once; a second client with the same token is refused', async () => {
    const wrapped = await vault.root.auth
      .approle()
      .generateSecretId('short', { wrapTtlSeconds: 60 });
    const file = path.join(dir, 'wrapped');
    fs.writeFileSync(file, wrapped.wrapInfo?.token as string);
    const first = vault.client({
      auth: approleAuth({ roleId, wrappedSecretIdFile: file }),
    });
    expect((await first.kvV2('secret').read('app/x'))?.data).toEqual({ v: 1 });
    const second = vault.client({
      auth: approleAuth({ roleId, wrappedSecretIdFile: file }),
    });
    await expect(second.login()).rejects.toThrow(
      /wrapping token is not valid or was already used/,
    );
  });
});

describe('recovery after a vault-dev restart', () => {
  it('answers Vault unavailable while it is down and recovers on the same port without a client restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vc-restart-'));
    const vault = await startVault({ dataDir });
    const { port, unsealKey } = vault.server;
    await vault.root.sys.enableAuthMethod('approle', { type: 'approle' });
    await vault.root.sys.writePolicy(
      'app',
      'path "secret/data/app/*" {\n  capabilities = ["create", "read", "update"]\n}\n',
    );
    await vault.root.auth
      .approle()
      .writeRole('svc', { tokenPolicies: ['app'], tokenTtl: 600 });
    const auth = countingAuth(
      approle({
        roleId: await vault.root.auth.approle().readRoleId('svc'),
        secretId: (await vault.root.auth.approle().generateSecretId('svc'))
          .secretId as string,
      }),
    );
    const client = vault.client({
      auth,
      retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
    await client.kvV2('secret').write('app/r', { v: 1 });
    await vault.server.stop();
    const down = await client
      .kvV2('secret')
      .read('app/r')
      .catch((e: unknown) => e);
    expect(isVaultUnavailable(down)).toBe(true);
    const restarted = await startVaultDev({
      port,
      rootToken: vault.rootToken,
      dataDir,
      unsealKey,
    });
    try {
      await client.kvV2('secret').write('app/r', { v: 2 });
      expect((await client.kvV2('secret').read('app/r'))?.data).toEqual({
        v: 2,
      });
      expect(auth.count()).toBe(1);
    } finally {
      await vault.stop().catch(() => undefined);
      await restarted.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('recovers a static-token client too', async () => {
    const vault = await startVault();
    const client = vault.client({
      auth: tokenAuth(vault.rootToken),
      retry: { maxAttempts: 1 },
    });
    await client.login();
    await vault.server.stop();
    await expect(client.kvV2('secret').read('x')).rejects.toMatchObject({
      name: 'VaultUnavailableError',
    });
    const restarted = await startVaultDev({
      port: vault.server.port,
      rootToken: vault.rootToken,
    });
    try {
      expect(await client.kvV2('secret').read('x')).toBeUndefined();
    } finally {
      await vault.stop().catch(() => undefined);
      await restarted.stop();
    }
  });
});
