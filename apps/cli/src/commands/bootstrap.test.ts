import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli';
import { parseBootstrapArgs } from './bootstrap';
import { COMMANDS } from './registry';

function capture(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env,
    },
    out,
    err,
  };
}

describe('secret-flows bootstrap arguments', () => {
  it('takes the token from a file and the address from VAULT_ADDR', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'hvs.from-file\n');
    const opts = parseBootstrapArgs(
      ['--token-file', tokenFile, '--phase', '4', '--wrap-secret-id'],
      { VAULT_ADDR: 'http://127.0.0.1:8200' },
    );
    expect(opts).toMatchObject({
      vaultAddr: 'http://127.0.0.1:8200',
      token: 'hvs.from-file',
      phase: 4,
      wrapSecretId: true,
      timeoutMs: 5000,
    });
    fs.rmSync(dir, { recursive: true });
  });

  it.each([
    [['--phase', '2'], {}, /--vault-addr/],
    [
      ['--vault-addr', 'http://v:8200', '--phase', '5'],
      { VAULT_TOKEN: 't' },
      /--phase must be 1, 2, 3 or 4/,
    ],
    [
      ['--vault-addr', 'http://v:8200', '--phase', '1'],
      {},
      /a Vault token is required/,
    ],
  ])('refuses %j with a clear message', (argv, env, message) => {
    expect(() => parseBootstrapArgs(argv, env)).toThrow(message);
  });

  it('exits 2 with the usage on bad arguments, without echoing the token', async () => {
    const { io, err } = capture({ VAULT_TOKEN: 'hvs.super-secret' });
    expect(
      await runCli(
        ['bootstrap', '--vault-addr', 'http://127.0.0.1:1', '--phase', '9'],
        io,
        COMMANDS,
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/usage: secret-flows bootstrap/);
    expect(err.join('\n')).not.toContain('super-secret');
  });

  it('exits 1 with a clear message when Vault is unreachable', async () => {
    const { io, err } = capture({
      VAULT_TOKEN: 'hvs.super-secret',
      VAULT_TIMEOUT_MS: '500',
    });
    expect(
      await runCli(
        ['bootstrap', '--vault-addr', 'http://127.0.0.1:1', '--phase', '1'],
        io,
        COMMANDS,
      ),
    ).toBe(1);
    expect(err.join('\n')).toMatch(/bootstrap failed: Vault unavailable/);
    expect(err.join('\n')).not.toContain('super-secret');
  });
});

describe('secret-flows dispatch', () => {
  it('lists the commands for help and refuses unknown ones', async () => {
    const help = capture();
    expect(await runCli(['--help'], help.io, COMMANDS)).toBe(0);
    expect(help.out.join('\n')).toMatch(/bootstrap +configure a Vault/);
    const unknown = capture();
    expect(await runCli(['nope'], unknown.io, COMMANDS)).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/unknown command "nope"/);
  });
});
