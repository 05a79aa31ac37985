import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import {
  agentCall,
  freePort,
  startDelayProxy,
  startLoad,
  tenantJwt,
  waitFor,
  approleTokenAccessors,
  type Outcome,
} from './support/faults';

const WALLET_TIMEOUT_MS = 2000;
const VAULT_TIMEOUT_MS = 1000;
const MARGIN_MS = 1000;

type Timed = Outcome & { startedAt: number; endedAt: number };

/** Load that remembers when each request started and ended, to find the ones in flight at a signal. */
function timedLoad(workers: number, call: () => Promise<Outcome>) {
  return startLoad(workers, async (): Promise<Timed> => {
    const startedAt = Date.now();
    const res = await call();
    return { ...res, startedAt, endedAt: Date.now() };
  });
}

/** Sends SIGTERM to a service during load; returns the exit code, the time to exit and the in-flight outcomes. */
async function sigtermUnderLoad(
  platform: Platform,
  name: 'wallet' | 'agent' | 'gateway',
  call: () => Promise<Outcome>,
) {
  const proc = platform.processes[name];
  if (!proc?.pid) throw new Error(`${name} is not running`);
  const load = timedLoad(6, call);
  await waitFor(async () => load.results.length >= 12, 10_000);
  // The workers run in step; halfway through a ~350 ms round they are all inside the service.
  await new Promise((r) => setTimeout(r, 150));
  const signalledAt = Date.now();
  process.kill(proc.pid, 'SIGTERM');
  const code = await proc.exited();
  const exitMs = Date.now() - signalledAt;
  const outcomes = await load.stop();
  // Requests that had certainly reached the service before the signal (a 50 ms head start on loopback).
  const inFlight = outcomes.filter(
    (o) => o.startedAt < signalledAt - 50 && o.endedAt > signalledAt,
  );
  return { code, exitMs, inFlight, outcomes };
}

describe('slow Vault and graceful shutdown (phase 3, a delay proxy between wallet and Vault)', () => {
  let platform: Platform;
  let proxy: Awaited<ReturnType<typeof startDelayProxy>>;
  let jwt: string;

  beforeAll(async () => {
    const ports = {
      vault: await freePort(),
      wallet: await freePort(),
      agent: await freePort(),
      gateway: await freePort(),
    };
    proxy = await startDelayProxy(ports.vault);
    platform = await startTestPlatform(3, {
      ports,
      ephemeralPorts: false,
      env: {
        wallet: {
          VAULT_ADDR: `http://127.0.0.1:${proxy.port}`,
          VAULT_TIMEOUT_MS: String(VAULT_TIMEOUT_MS),
        },
        agent: { WALLET_TIMEOUT_MS: String(WALLET_TIMEOUT_MS) },
        gateway: { GATEWAY_RATE_LIMIT_COUNT: '100000' },
      },
    });
    jwt = await tenantJwt(platform);
    expect(
      (
        await agentCall(platform, jwt, {
          method: 'PUT',
          path: '/secrets/seeded',
          body: { value: 'v1' },
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await platform?.stop();
    await proxy?.close();
  });

  it('answers 503 with Retry-After within the configured timeout when Vault is slower than the timeout', async () => {
    proxy.setDelayMs(4000);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        agentCall(platform, jwt, { path: '/secrets/seeded' }),
      ),
    );
    proxy.setDelayMs(0);
    for (const res of results) {
      expect(res.status).toBe(503);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(res.ms).toBeGreaterThanOrEqual(VAULT_TIMEOUT_MS);
      expect(res.ms).toBeLessThan(WALLET_TIMEOUT_MS + MARGIN_MS);
    }
    await waitFor(
      async () =>
        (await agentCall(platform, jwt, { path: '/secrets/seeded' })).status ===
        200,
      10_000,
    );
  });

  it('wallet on SIGTERM under load: finishes in-flight requests, revokes its Vault token and exits 0 within 10 s', async () => {
    const before = await approleTokenAccessors(platform);
    expect(before.length).toBeGreaterThan(0);
    proxy.setDelayMs(150);
    const { code, exitMs, inFlight, outcomes } = await sigtermUnderLoad(
      platform,
      'wallet',
      () => agentCall(platform, jwt, { path: '/secrets/seeded' }),
    );
    proxy.setDelayMs(0);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((o) => o.status !== 200)).toEqual([]);
    // Later requests find no wallet: a clean 503 from the agent, never a 500 or a hang.
    expect(
      outcomes.filter((o) => o.status !== 200 && o.status !== 503),
    ).toEqual([]);
    expect(await approleTokenAccessors(platform)).toEqual([]);
    await platform.restart('wallet');
  });

  it('gateway on SIGTERM under load: finishes in-flight requests and exits 0 within 10 s', async () => {
    proxy.setDelayMs(150);
    const viaGateway = async (): Promise<Outcome> => {
      const started = Date.now();
      try {
        const res = await fetch(
          `${platform.urls.gateway}/cloud-agent/secrets/seeded`,
          {
            headers: {
              apikey: platform.apiKey,
              authorization: `Bearer ${jwt}`,
            },
            signal: AbortSignal.timeout(15_000),
          },
        );
        await res.arrayBuffer();
        return {
          status: res.status,
          ms: Date.now() - started,
          retryAfter: res.headers.get('retry-after'),
          contentType: res.headers.get('content-type'),
        };
      } catch (err) {
        return {
          status: 0,
          ms: Date.now() - started,
          retryAfter: null,
          contentType: null,
          error: (err as Error).name,
        };
      }
    };
    const { code, exitMs, inFlight } = await sigtermUnderLoad(
      platform,
      'gateway',
      viaGateway,
    );
    proxy.setDelayMs(0);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((o) => o.status !== 200)).toEqual([]);
  });

  it('agent on SIGTERM under load: finishes in-flight requests and exits 0 within 10 s', async () => {
    proxy.setDelayMs(150);
    const { code, exitMs, inFlight } = await sigtermUnderLoad(
      platform,
      'agent',
      () => agentCall(platform, jwt, { path: '/secrets/seeded' }),
    );
    proxy.setDelayMs(0);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((o) => o.status !== 200)).toEqual([]);
  });
});
