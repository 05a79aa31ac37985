import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Platform } from '@secret-flows/cli';

/** One request's outcome under load: status 0 means the request failed at the transport. */
export interface Outcome {
  status: number;
  ms: number;
  retryAfter: string | null;
  contentType: string | null;
  error?: string;
}

/** Tenant credentials for the agent: a Vault-issued JWT fetched through the gateway (phases 3-4). */
export async function tenantJwt(
  platform: Platform,
  index = 0,
): Promise<string> {
  const tenant = platform.tenants[index];
  const login = await fetch(
    `${platform.urls.gateway}/auth/login/${encodeURIComponent(tenant.username ?? tenant.id)}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: tenant.password }),
    },
  );
  const token = ((await login.json()) as { auth?: { client_token?: string } })
    .auth?.client_token;
  if (!token) throw new Error(`tenant login failed: HTTP ${login.status}`);
  const res = await fetch(`${platform.urls.gateway}/auth/token`, {
    headers: { 'x-vault-token': token },
  });
  const jwt = ((await res.json()) as { data?: { token?: string } }).data?.token;
  if (!jwt) throw new Error(`tenant JWT fetch failed: HTTP ${res.status}`);
  return jwt;
}

/** One request to the agent (directly, so the gateway's rate limit does not shape the load). */
export async function agentCall(
  platform: Platform,
  jwt: string,
  init: { method?: string; path: string; body?: unknown; timeoutMs?: number },
): Promise<Outcome & { body: unknown }> {
  const started = Date.now();
  try {
    const res = await fetch(`${platform.urls.agent}${init.path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${jwt}`,
        ...(init.body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      // A request that hangs is a failure of its own: it shows up as status 0 with a timeout error.
      signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return {
      status: res.status,
      ms: Date.now() - started,
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
      body,
    };
  } catch (err) {
    return {
      status: 0,
      ms: Date.now() - started,
      retryAfter: null,
      contentType: null,
      error: (err as Error).name,
      body: undefined,
    };
  }
}

/** A bounded load: `workers` loops calling `once(i)` back to back until `stop()` is called. */
export function startLoad<T>(
  workers: number,
  once: (i: number) => Promise<T>,
): { results: T[]; stop(): Promise<T[]> } {
  const results: T[] = [];
  let running = true;
  let counter = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) results.push(await once(counter++));
  });
  return {
    results,
    async stop() {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** Polls `check` every 50 ms until it is true; returns the time it took, or throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A Vault API call with the root token (out-of-band operator actions in fault tests). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Vault's JSON is read ad hoc by tests
export async function vaultAdmin(
  platform: Platform,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${platform.urls.vault}/v1/${path}`, {
    method,
    headers: {
      'x-vault-token': platform.vaultRootToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Accessors of the live tokens AppRole issued (the wallet's in phases 3-4, the agent's in phase 2), found with the root token. */
export async function approleTokenAccessors(
  platform: Platform,
): Promise<string[]> {
  const list = await vaultAdmin(platform, 'LIST', 'auth/token/accessors');
  const found: string[] = [];
  for (const accessor of (list.body?.data?.keys ?? []) as string[]) {
    const info = await vaultAdmin(
      platform,
      'POST',
      'auth/token/lookup-accessor',
      { accessor },
    );
    const data = info.body?.data as
      | { path?: string; meta?: Record<string, string> | null }
      | undefined;
    if (data?.path?.startsWith('auth/approle/login')) found.push(accessor);
  }
  return found;
}

/** The JSON lines a service has logged so far. */
export function logLines(
  platform: Platform,
  name: 'vault' | 'wallet' | 'agent' | 'gateway',
): Array<Record<string, unknown>> {
  const file = platform.logFiles[name];
  if (!file) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

/** A loopback TCP proxy that holds every chunk for `delayMs` before passing it on (a slow network to Vault). */
export async function startDelayProxy(targetPort: number): Promise<{
  port: number;
  setDelayMs(ms: number): void;
  close(): Promise<void>;
}> {
  let delayMs = 0;
  const sockets = new Set<net.Socket>();
  const pipeDelayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      const wait = delayMs;
      if (wait === 0) to.write(chunk);
      else setTimeout(() => !to.destroyed && to.write(chunk), wait);
    });
    from.on('end', () => setTimeout(() => to.end(), delayMs));
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    setDelayMs: (ms) => void (delayMs = ms),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Ports picked up front, so a proxy can sit between two services of one platform. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
