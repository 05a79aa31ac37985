import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import {
  agentCall,
  startLoad,
  tenantJwt,
  waitFor,
  type Outcome,
} from './support/faults';

// Short timeouts keep the suite fast; the assertions are relative to them.
const WALLET_TIMEOUT_MS = 3000;
const MARGIN_MS = 1000;

describe('Vault outages (phase 3, vault-dev with --data-dir)', () => {
  let platform: Platform;
  let dataDir: string;
  let jwt: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-rel-vault-'));
    platform = await startTestPlatform(3, {
      dataDir,
      env: {
        agent: { WALLET_TIMEOUT_MS: String(WALLET_TIMEOUT_MS) },
        wallet: { VAULT_TIMEOUT_MS: '2000' },
      },
    });
    jwt = await tenantJwt(platform);
    expect(
      (
        await agentCall(platform, jwt, {
          method: 'PUT',
          path: '/secrets/seeded',
          body: { value: 'before the outage' },
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After within its timeout while Vault is down, never hangs, and readiness turns false', async () => {
    const load = startLoad(4, () =>
      agentCall(platform, jwt, { path: '/secrets/seeded' }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const stoppedAt = Date.now();
    // vault-dev drains like the services do: SIGTERM under load is a clean exit.
    expect(await platform.processes.vault?.stop()).toBe(0);
    await waitFor(
      async () =>
        (await fetch(`${platform.urls.agent}/_system/ready`)).status === 503,
      5000,
    );
    const afterStop = load.results.length;
    await waitFor(async () => load.results.length >= afterStop + 20, 10_000);
    const outcomes = await load.stop();

    const during = outcomes.slice(afterStop);
    expect(during.length).toBeGreaterThanOrEqual(20);
    expect(during.filter((o) => o.status !== 503)).toEqual([]);
    expect(during.every((o) => Number(o.retryAfter) >= 1)).toBe(true);
    expect(
      during.every((o) =>
        o.contentType?.startsWith('application/problem+json'),
      ),
    ).toBe(true);
    expect(Math.max(...during.map((o) => o.ms))).toBeLessThan(
      WALLET_TIMEOUT_MS + MARGIN_MS,
    );
    // Nothing in the whole run failed at the transport or with a 500.
    expect(outcomes.filter((o) => o.status === 0 || o.status === 500)).toEqual(
      [],
    );
    const ready = await fetch(`${platform.urls.agent}/_system/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
  });

  it('recovers within 5 s of Vault coming back on the same port and data dir, with no manual step', async () => {
    await platform.restart('vault');
    const recoveredMs = await waitFor(
      async () =>
        (
          await agentCall(platform, jwt, {
            path: '/secrets/seeded',
            timeoutMs: 4000,
          })
        ).status === 200,
      5000,
    );
    expect(recoveredMs).toBeLessThan(5000);
    const read = await agentCall(platform, jwt, { path: '/secrets/seeded' });
    expect(read.body).toMatchObject({ value: 'before the outage' });
    await waitFor(
      async () =>
        (await fetch(`${platform.urls.agent}/_system/ready`)).status === 200,
      5000,
    );
  });

  it('keeps every write it acknowledged when Vault is killed with SIGKILL under write load, with the acknowledged version', async () => {
    type Write = Outcome & { name: string; value: string; version?: number };
    let n = 0;
    const load = startLoad(4, async (i): Promise<Write> => {
      const name = `crash-${i % 8}`;
      const value = `value ${n++} ${Date.now()}`;
      const res = await agentCall(platform, jwt, {
        method: 'PUT',
        path: `/secrets/${name}`,
        body: { value },
      });
      return {
        ...res,
        name,
        value,
        version: (res.body as { version?: number } | undefined)?.version,
      };
    });
    await waitFor(
      async () => load.results.filter((w) => w.status === 200).length >= 30,
      10_000,
    );
    platform.processes.vault?.kill();
    await platform.processes.vault?.exited();
    const afterKill = load.results.length;
    await waitFor(async () => load.results.length >= afterKill + 8, 10_000);
    const writes = await load.stop();
    await platform.restart('vault');

    const acknowledged = writes.filter((w) => w.status === 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(30);
    // Everything else was refused cleanly, never a 500 or a hang.
    expect(writes.filter((w) => w.status !== 200 && w.status !== 503)).toEqual(
      [],
    );
    const lost: string[] = [];
    for (const w of acknowledged) {
      const read = await agentCall(platform, jwt, {
        path: `/secrets/${w.name}?version=${w.version}`,
      });
      if (
        read.status !== 200 ||
        (read.body as { value?: string }).value !== w.value
      )
        lost.push(`${w.name}@${w.version}: HTTP ${read.status}`);
    }
    expect(lost).toEqual([]);
  });
});
