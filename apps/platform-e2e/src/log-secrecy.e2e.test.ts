import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  platformInfo,
  runDemo,
  startPlatform,
  type Platform,
} from '@secret-flows/cli';
import { http } from './support/platform';

// Every credential and secret the demo flow handles, by kind. Each must be absent from every
// line of every service log, with every service logging at debug level.
const KINDS = [
  'secret value',
  'tenant JWT',
  'tenant JWT signature',
  'tenant Vault token',
  'userpass password',
  'wrong password tried at login',
  'API key',
  'admin API key',
  'Vault root token',
  "wallet's AppRole secret_id",
  "agent's service signing key",
] as const;
type Kind = (typeof KINDS)[number];

// Shapes of credentials the test cannot know (the wallet's own Vault token, tenant tokens from
// the phase 4 exchange, the agent's service JWTs): no log line may contain anything like them.
const TOKEN_SHAPES: Array<[string, RegExp]> = [
  ['a Vault service token', /hv[sb]\.[A-Za-z0-9_-]{16,}/],
  ['a JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/],
  ['a PEM private key', /PRIVATE KEY-----/],
];

interface LogLine {
  file: string;
  lineNo: number;
  text: string;
}

function readLogLines(platform: Platform): LogLine[] {
  return Object.values(platform.logFiles).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((text, i) => ({ file: path.basename(file), lineNo: i + 1, text })),
  );
}

/** Where a needle occurs, as file:line only: the failure message must not repeat the secret. */
function occurrences(
  lines: LogLine[],
  test: (text: string) => boolean,
): string[] {
  return lines.filter((l) => test(l.text)).map((l) => `${l.file}:${l.lineNo}`);
}

interface Session {
  jwt: string;
  vaultToken: string;
}

async function logIn(
  platform: Platform,
  username: string,
  password: string,
): Promise<Session> {
  const login = await http(`${platform.urls.gateway}/auth/login/${username}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ password }),
  });
  expect(login.status).toBe(200);
  const vaultToken = (login.body as { auth: { client_token: string } }).auth
    .client_token;
  const token = await http(`${platform.urls.gateway}/auth/token`, {
    headers: { 'x-vault-token': vaultToken },
  });
  expect(token.status).toBe(200);
  return {
    jwt: (token.body as { data: { token: string } }).data.token,
    vaultToken,
  };
}

/** What an application does beyond the demo: write and read known values, fail a login, list and delete. */
async function exerciseTenant(
  platform: Platform,
  tenantIndex: number,
  found: Map<Kind, string[]>,
): Promise<void> {
  const add = (kind: Kind, value: string | undefined) => {
    if (value) found.set(kind, [...(found.get(kind) ?? []), value]);
  };
  const tenant = platform.tenants[tenantIndex];
  const headers = (s?: Session): Record<string, string> => ({
    apikey: platform.apiKey,
    'content-type': 'application/json',
    ...(s ? { authorization: `Bearer ${s.jwt}` } : {}),
  });
  let session: Session | undefined;
  if (tenant.username && tenant.password) {
    const wrong = `wrong-${crypto.randomBytes(9).toString('base64url')}`;
    const refused = await http(
      `${platform.urls.gateway}/auth/login/${tenant.username}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: wrong }),
      },
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    add('wrong password tried at login', wrong);
    add('userpass password', tenant.password);
    session = await logIn(platform, tenant.username, tenant.password);
    add('tenant JWT', session.jwt);
    add('tenant JWT signature', session.jwt.split('.')[2]);
    add('tenant Vault token', session.vaultToken);
  }
  const value = `known-value-${crypto.randomBytes(12).toString('hex')}`;
  add('secret value', value);
  const base = `${platform.urls.gateway}/cloud-agent/secrets`;
  expect(
    (
      await http(`${base}/log-probe`, {
        method: 'PUT',
        headers: headers(session),
        body: JSON.stringify({ value }),
      })
    ).status,
  ).toBe(200);
  expect(
    (await http(`${base}/log-probe`, { headers: headers(session) })).status,
  ).toBe(200);
  // A stale compare-and-set is a logged 4xx path that carries the value in its body.
  const stale = await http(`${base}/log-probe`, {
    method: 'PUT',
    headers: headers(session),
    body: JSON.stringify({ value, cas: 0 }),
  });
  expect(stale.status).toBeGreaterThanOrEqual(400);
  const demo = await http(`${base}/demo`, { headers: headers(session) });
  expect(demo.status).toBe(200);
  add('secret value', (demo.body as { value: string }).value);
  expect((await http(base, { headers: headers(session) })).status).toBe(200);
  expect(
    (
      await http(`${base}/log-probe`, {
        method: 'DELETE',
        headers: headers(session),
      })
    ).status,
  ).toBe(204);
}

// Phase 3 is the full chain (gateway -> agent -> wallet -> Vault); phase 4 adds tenant onboarding
// (generated passwords) and the per-request JWT exchange (tenant-scoped Vault tokens).
describe.each([3, 4] as const)(
  'service logs in phase %i, at debug level, after the demo flow',
  (phase) => {
    let runDir: string;
    let platform: Platform | undefined;
    let lines: LogLine[] = [];
    const found = new Map<Kind, string[]>();

    beforeAll(async () => {
      runDir = fs.mkdtempSync(path.join(os.tmpdir(), `sf-e2e-logs-p${phase}-`));
      const debug = { LOG_LEVEL: 'debug' };
      platform = await startPlatform({
        phase,
        ephemeralPorts: true,
        runDir,
        readyTimeoutMs: 30_000,
        env: { vault: debug, wallet: debug, agent: debug, gateway: debug },
      });
      const steps = await runDemo(platformInfo(platform));
      expect(steps.map((s) => s.ok)).not.toContain(false);
      for (let i = 0; i < platform.tenants.length; i++)
        await exerciseTenant(platform, i, found);
      found.set('API key', [platform.apiKey]);
      found.set('admin API key', [platform.adminApiKey]);
      found.set('Vault root token', [platform.vaultRootToken]);
      const secretIdFile = platform.bootstrap.credentials?.secretIdFile;
      if (secretIdFile)
        found.set("wallet's AppRole secret_id", [
          fs.readFileSync(secretIdFile, 'utf8').trim(),
        ]);
      const pem = fs.readFileSync(
        path.join(runDir, 'agent-service-key.pem'),
        'utf8',
      );
      found.set(
        "agent's service signing key",
        pem.split('\n').filter((l) => l.length >= 40),
      );
      // Stopping first flushes every log (pino writes asynchronously) and adds the shutdown lines.
      const running = platform;
      platform = undefined;
      await running.stop();
      lines = readLogLines(running);
    }, 120_000);
    afterAll(async () => {
      await platform?.stop();
      fs.rmSync(runDir, { recursive: true, force: true });
    });

    it('has a log from every service, with debug lines in it', () => {
      const byFile = new Map<string, number>();
      for (const l of lines)
        if (l.text) byFile.set(l.file, (byFile.get(l.file) ?? 0) + 1);
      expect([...byFile.keys()].sort()).toEqual([
        'agent.log',
        'gateway.log',
        'vault.log',
        'wallet.log',
      ]);
      expect(lines.some((l) => l.text.includes('"level":"debug"'))).toBe(true);
    });

    it.each(KINDS)('never writes the %s to any log line', (kind) => {
      const values = found.get(kind) ?? [];
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value.length).toBeGreaterThanOrEqual(8);
        expect(occurrences(lines, (text) => text.includes(value))).toEqual([]);
      }
    });

    it.each(TOKEN_SHAPES)('writes nothing shaped like %s', (_name, shape) => {
      expect(occurrences(lines, (text) => shape.test(text))).toEqual([]);
    });
  },
);
