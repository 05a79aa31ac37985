/**
 * --data-dir persistence: durable encrypted state, key checks, crash safety.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startVaultDev, type VaultDevServer } from '../src/index';
import { request } from './support/vault-http';

describe('vault-dev persistence', () => {
  let dir: string;
  const running: VaultDevServer[] = [];
  const start = async (opts: Parameters<typeof startVaultDev>[0]) => {
    const server = await startVaultDev({ port: 0, dataDir: dir, ...opts });
    running.push(server);
    return server;
  };
  const call = (
    s: VaultDevServer,
    method: string,
    p: string,
    body?: unknown,
    token = s.rootToken,
  ) => request(s.address, method, p, { token, body });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-state-'));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps secrets, policies, mounts, tokens and engine state across a restart with the key', async () => {
    const first = await start({});
    expect(first.unsealKeyGenerated).toBe(true);
    await call(first, 'POST', '/v1/secret/data/app', {
      data: { password: 'hunter2' },
    });
    await call(first, 'PUT', '/v1/sys/policies/acl/reader', {
      policy: 'path "secret/data/*" { capabilities = ["read"] }',
    });
    await call(first, 'POST', '/v1/sys/mounts/other', { type: 'kv-v2' });
    await call(first, 'POST', '/v1/sys/auth/approle', { type: 'approle' });
    await call(first, 'POST', '/v1/auth/approle/role/r1', {
      token_policies: ['reader'],
    });
    const token = (
      await call(first, 'POST', '/v1/auth/token/create', {
        policies: ['reader'],
      })
    ).json.auth.client_token;
    await first.stop();
    running.length = 0;

    const second = await start({ unsealKey: first.unsealKey });
    expect(second.rootToken).toBe(first.rootToken);
    expect(
      (await call(second, 'GET', '/v1/secret/data/app', undefined, token)).json
        .data.data,
    ).toEqual({ password: 'hunter2' });
    expect(
      (await call(second, 'GET', '/v1/sys/mounts')).json.data['other/'],
    ).toBeDefined();
    expect(
      (await call(second, 'GET', '/v1/auth/approle/role/r1')).json.data
        .token_policies,
    ).toEqual(['reader']);
  });

  it('stores nothing in plaintext', async () => {
    const server = await start({});
    await call(server, 'POST', '/v1/secret/data/app', {
      data: { password: 'plaintext-marker-123' },
    });
    const bytes = fs.readFileSync(path.join(dir, 'state.enc'));
    expect(bytes.includes('plaintext-marker-123')).toBe(false);
    expect(bytes.includes(server.rootToken)).toBe(false);
  });

  it('refuses to start without the key, or with a wrong key, with a clear message', async () => {
    const first = await start({});
    await first.stop();
    running.length = 0;
    await expect(start({})).rejects.toThrow(
      /holds encrypted vault-dev state: supply the unseal key/,
    );
    const wrong = Buffer.alloc(32, 7).toString('base64');
    await expect(start({ unsealKey: wrong })).rejects.toThrow(
      'the unseal key does not decrypt the stored state',
    );
    await expect(start({ unsealKey: 'short' })).rejects.toThrow(
      'the unseal key must be 32 bytes',
    );
  });

  it('leaves the previous state readable when a save crashes half-way through', async () => {
    let crash = false;
    const server = await start({
      stateFs: {
        writeFile(fd, data) {
          if (crash) {
            fs.writeSync(fd, data.subarray(0, Math.floor(data.length / 2)));
            throw new Error('simulated crash during write');
          }
          fs.writeSync(fd, data);
        },
      },
    });
    await call(server, 'POST', '/v1/secret/data/app', { data: { v: 'old' } });
    crash = true;
    const failed = await call(server, 'POST', '/v1/secret/data/app', {
      data: { v: 'new' },
    });
    // The write was not acknowledged, so losing it is allowed; a corrupt store is not.
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain('simulated');
    await server.stop();
    running.length = 0;

    const restarted = await start({ unsealKey: server.unsealKey });
    const res = await call(restarted, 'GET', '/v1/secret/data/app');
    expect(res.json.data.data).toEqual({ v: 'old' });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a damaged state file instead of half-reading it', async () => {
    const first = await start({});
    await first.stop();
    running.length = 0;
    const file = path.join(dir, 'state.enc');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expect(start({ unsealKey: first.unsealKey })).rejects.toThrow(
      'does not decrypt the stored state',
    );
  });
});
