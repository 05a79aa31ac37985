import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPlatform, type Platform } from '@secret-flows/cli';
import { firstMetric, sumMetric } from './prom-text';
import { readProcessMemory, type ProcessMemory } from './process-stats';
import type { CredentialCounts } from './results';

// Realistic but cheap logging, and limits far above what 32 connections can send in a run:
// the benchmark measures the path, not the rate limiter's 429s.
const QUIET = { LOG_LEVEL: 'warn' };
const UNLIMITED = '1000000000';

/** Starts the platform of one phase on free loopback ports, in its own temporary run directory. */
export async function startBenchPlatform(
  phase: 2 | 3 | 4,
  walletEnv: Record<string, string> = {},
): Promise<Platform> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `sf-bench-p${phase}-`));
  try {
    const platform = await startPlatform({
      phase,
      ephemeralPorts: true,
      runDir,
      readyTimeoutMs: 60_000,
      env: {
        vault: QUIET,
        wallet: {
          ...QUIET,
          WALLET_TENANT_RATE_LIMIT_PER_MINUTE: UNLIMITED,
          ...walletEnv,
        },
        agent: QUIET,
        gateway: { ...QUIET, GATEWAY_RATE_LIMIT_COUNT: UNLIMITED },
      },
    });
    const stop = platform.stop;
    platform.stop = async () => {
      await stop();
      fs.rmSync(runDir, { recursive: true, force: true });
    };
    return platform;
  } catch (err) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
}

/** Logs the first demo tenant in through the gateway and returns its JWT (phases 3-4). */
export async function tenantJwt(platform: Platform): Promise<string> {
  const tenant = platform.tenants[0];
  if (!tenant?.username || !tenant.password)
    throw new Error('the platform has no tenant login');
  const login = await json(
    `${platform.urls.gateway}/auth/login/${tenant.username}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: tenant.password }),
    },
  );
  const vaultToken =
    (login as { auth?: { client_token?: string } }).auth?.client_token ?? '';
  const token = await json(`${platform.urls.gateway}/auth/token`, {
    headers: { 'x-vault-token': vaultToken },
  });
  const jwt = (token as { data?: { token?: string } }).data?.token;
  if (!jwt) throw new Error('no tenant JWT from GET /auth/token');
  return jwt;
}

/** Sends one request and returns its JSON body; a non-2xx answer is an error naming the status. */
export async function json(
  url: string,
  init: RequestInit = {},
): Promise<unknown> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${new URL(url).pathname} answered ${res.status}`,
    );
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Memory of every platform process, by service name. */
export function platformMemory(
  platform: Platform,
): Record<string, ProcessMemory | undefined> {
  return Object.fromEntries(
    Object.entries(platform.processes).map(([name, proc]) => [
      name,
      readProcessMemory(proc?.pid),
    ]),
  );
}

/** Vault logins, JWT exchanges and JWKS fetches of the agent and the wallet, from their metrics. */
export async function credentialCounts(
  platform: Platform,
): Promise<Record<string, CredentialCounts>> {
  const services: Array<[string, string | undefined]> = [
    ['agent', platform.urls.agent],
    ['wallet', platform.urls.wallet],
  ];
  const counts: Record<string, CredentialCounts> = {};
  for (const [name, base] of services) {
    if (!base) continue;
    const res = await fetch(`${base}/_system/metrics`);
    const text = await res.text();
    if (!res.ok) continue;
    counts[name] = {
      vaultLogins:
        firstMetric(text, ['vault_client_logins']) ??
        sumMetric(text, 'vault_logins_total', { result: 'ok' }),
      jwtExchanges: firstMetric(text, ['vault_jwt_exchanges_total'], {
        result: 'ok',
      }),
      jwksFetches: firstMetric(text, [
        'tenant_jwks_fetches',
        'jwks_fetches_total',
      ]),
    };
  }
  return counts;
}

/**
 * What Vault itself saw: live tokens by the login that created them (AppRole logins and tenant JWT
 * exchanges), from the token store via the root token, independent of what the services report.
 */
export async function vaultLoginCounts(
  platform: Platform,
): Promise<CredentialCounts> {
  const headers = { 'x-vault-token': platform.vaultRootToken };
  const list = (await json(
    `${platform.urls.vault}/v1/auth/token/accessors?list=true`,
    { headers },
  )) as { data: { keys: string[] } };
  const byPath = new Map<string, number>();
  for (const accessor of list.data.keys) {
    const looked = (await json(
      `${platform.urls.vault}/v1/auth/token/lookup-accessor`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ accessor }),
      },
    )) as { data: { path?: string } };
    const loginPath = looked.data.path ?? '';
    byPath.set(loginPath, (byPath.get(loginPath) ?? 0) + 1);
  }
  const count = (prefix: string) =>
    [...byPath]
      .filter(([p]) => p.startsWith(prefix))
      .reduce((n, [, c]) => n + c, 0);
  return {
    vaultLogins: count('auth/approle/login'),
    jwtExchanges: count('auth/jwt/login'),
  };
}
