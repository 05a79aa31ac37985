/**
 * The vault-dev process (src/main.ts): banner, env, SIGTERM, and the --data-dir key refusal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { request } from './support/vault-http';

const MAIN = path.join(__dirname, '..', 'src', 'main.ts');

function run(
  args: string[],
  env: Record<string, string>,
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', MAIN, ...args],
    {
      cwd: path.join(__dirname, '..'),
      env: {
        ...process.env,
        VAULT_DEV_LISTEN_ADDRESS: '127.0.0.1:0',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => resolve(code)),
  );
  return { child, output: () => out, exited };
}

async function waitFor(
  output: () => string,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(output());
    if (m) return m;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${pattern}: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('vault-dev process', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-main-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints a development banner with address and unseal key but not a root token it was given, serves, and exits 0 on SIGTERM', async () => {
    const proc = run(['--data-dir', dir], {
      VAULT_DEV_ROOT_TOKEN_ID: 'proc-root',
    });
    const [, address] = await waitFor(proc.output, /Api Address: (\S+)/);
    expect(proc.output()).toContain(
      'DEVELOPMENT server. NOT FOR PRODUCTION USE',
    );
    expect(proc.output()).toContain(
      'Root Token:  (as given in VAULT_DEV_ROOT_TOKEN_ID)',
    );
    expect(proc.output()).not.toContain('proc-root');
    expect(proc.output()).toMatch(/Unseal Key: {2}\S{44}/);
    const res = await request(address, 'GET', '/v1/auth/token/lookup-self', {
      token: 'proc-root',
    });
    expect(res.json.data.policies).toEqual(['root']);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 30_000);

  it('refuses to restart on the same --data-dir without the unseal key, with exit code 2', async () => {
    const proc = run(['--data-dir', dir], {});
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('refusing to start');
    expect(proc.output()).toContain('VAULT_DEV_UNSEAL_KEY');
  }, 30_000);

  it('prints the root token it generated, which works', async () => {
    const proc = run([], {});
    const [, address] = await waitFor(proc.output, /Api Address: (\S+)/);
    const [, token] = await waitFor(proc.output, /Root Token: {2}(\S+)/);
    const res = await request(address, 'GET', '/v1/auth/token/lookup-self', {
      token,
    });
    expect(res.json.data.policies).toEqual(['root']);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 30_000);

  it('with --dev-tls serves https and prints the CA to export as VAULT_CACERT, removed on exit (vault server -dev-tls)', async () => {
    const proc = run(['--dev-tls', '--dev-tls-san', 'vault.test'], {
      VAULT_DEV_ROOT_TOKEN_ID: 'tls-root',
    });
    const [, caFile] = await waitFor(
      proc.output,
      /export VAULT_CACERT='([^']+)'/,
    );
    const [, address] = await waitFor(
      proc.output,
      /export VAULT_ADDR='(https:[^']+)'/,
    );
    expect(proc.output()).toContain(`CA Cert:     ${caFile}`);
    const ca = fs.readFileSync(caFile, 'utf8');
    const res = await request(address, 'GET', '/v1/auth/token/lookup-self', {
      token: 'tls-root',
      ca,
      servername: 'vault.test',
    });
    expect(res.json.data.policies).toEqual(['root']);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(fs.existsSync(caFile)).toBe(false);
  }, 30_000);

  it('fails fast on invalid configuration', async () => {
    const proc = run(['--what'], { VAULT_DEV_LISTEN_ADDRESS: 'nowhere' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/invalid vault-dev configuration/);
  }, 30_000);
});
