import * as fs from 'node:fs';
import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { processEnv } from '../support/platform';
import {
  agentCall,
  logLines,
  startLoad,
  tenantJwt,
  vaultAdmin,
  waitFor,
  approleTokenAccessors,
} from './support/faults';

const WALLET_TIMEOUT_MS = 3000;
const MARGIN_MS = 1000;

const countMsg = (platform: Platform, msg: string) =>
  logLines(platform, 'wallet').filter((l) => l['msg'] === msg).length;

describe('wallet and credential faults (phase 3)', () => {
  let platform: Platform;
  let jwt: string;

  beforeAll(async () => {
    platform = await startTestPlatform(3, {
      env: { agent: { WALLET_TIMEOUT_MS: String(WALLET_TIMEOUT_MS) } },
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
  });

  it('answers 503 with Retry-After while the wallet is killed under load, then recovers when it returns', async () => {
    const load = startLoad(4, () =>
      agentCall(platform, jwt, { path: '/secrets/seeded' }),
    );
    await waitFor(async () => load.results.length >= 10, 5000);
    platform.processes.wallet?.kill();
    await platform.processes.wallet?.exited();
    const afterKill = load.results.length;
    await waitFor(async () => load.results.length >= afterKill + 20, 10_000);
    const down = load.results.slice(afterKill + 4);
    expect(down.length).toBeGreaterThan(10);
    expect(down.filter((o) => o.status !== 503)).toEqual([]);
    expect(down.every((o) => Number(o.retryAfter) >= 1)).toBe(true);
    expect(Math.max(...down.map((o) => o.ms))).toBeLessThan(
      WALLET_TIMEOUT_MS + MARGIN_MS,
    );
    expect((await fetch(`${platform.urls.agent}/_system/ready`)).status).toBe(
      503,
    );

    await platform.restart('wallet');
    const recoveredMs = await waitFor(
      async () => load.results.slice(-4).every((o) => o.status === 200),
      5000,
    );
    const outcomes = await load.stop();
    expect(recoveredMs).toBeLessThan(5000);
    expect(outcomes.filter((o) => o.status === 0 || o.status === 500)).toEqual(
      [],
    );
    expect((await fetch(`${platform.urls.agent}/_system/ready`)).status).toBe(
      200,
    );
  });

  it('logs in again exactly once when its Vault token is revoked out of band, and no request fails', async () => {
    await agentCall(platform, jwt, { path: '/secrets/seeded' });
    const loginsBefore = countMsg(platform, 'Vault login succeeded');
    const accessors = await approleTokenAccessors(platform);
    expect(accessors.length).toBeGreaterThan(0);
    for (const accessor of accessors) {
      expect(
        (
          await vaultAdmin(platform, 'POST', 'auth/token/revoke-accessor', {
            accessor,
          })
        ).status,
      ).toBe(204);
    }
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        agentCall(platform, jwt, { path: '/secrets/seeded' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    await waitFor(
      async () => countMsg(platform, 'Vault login succeeded') > loginsBefore,
      2000,
    );
    expect(countMsg(platform, 'Vault login succeeded')).toBe(loginsBefore + 1);
  });

  it('fails readiness with a clear reason, without crashing or flooding the log, when its secret_id no longer works', async () => {
    const walletEnv = processEnv(platform.processes.wallet?.pid);
    const secretIdFile = walletEnv['VAULT_APPROLE_SECRET_ID_FILE'];
    const secretId = fs.readFileSync(secretIdFile, 'utf8').trim();
    // The operator (or its TTL) destroyed the secret_id, then the current token dies too.
    expect(
      (
        await vaultAdmin(
          platform,
          'POST',
          'auth/approle/role/wallet/secret-id/destroy',
          { secret_id: secretId },
        )
      ).status,
    ).toBe(204);
    for (const accessor of await approleTokenAccessors(platform))
      await vaultAdmin(platform, 'POST', 'auth/token/revoke-accessor', {
        accessor,
      });
    const linesBefore = logLines(platform, 'wallet').length;

    const failing = await agentCall(platform, jwt, { path: '/secrets/seeded' });
    expect(failing.status).toBe(503);
    expect(failing.retryAfter).toBeTruthy();
    // Probes and clients keep coming for 3 s: 30 readiness checks and 30 requests.
    let lastBody = {} as {
      checks: Record<string, { ok: boolean; detail?: string }>;
    };
    for (let i = 0; i < 30; i++) {
      const ready = await fetch(`${platform.urls.wallet}/_system/ready`);
      expect(ready.status).toBe(503);
      lastBody = (await ready.json()) as typeof lastBody;
      expect(
        (await agentCall(platform, jwt, { path: '/secrets/seeded' })).status,
      ).toBe(503);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lastBody.checks.vault.ok).toBe(true);
    expect(lastBody.checks.vaultToken).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/no Vault token: .*(secret.?id|invalid)/i),
    });
    expect(JSON.stringify(lastBody)).not.toContain(secretId);
    expect((await fetch(`${platform.urls.agent}/_system/ready`)).status).toBe(
      503,
    );

    const logged = logLines(platform, 'wallet').slice(linesBefore);
    const loginFailures = logged.filter(
      (l) => l['msg'] === 'Vault login failed',
    );
    expect(loginFailures.length).toBeGreaterThanOrEqual(1);
    // Backoff (1 s doubling) bounds the attempts, whatever the probe and request rate.
    expect(loginFailures.length).toBeLessThanOrEqual(4);
    expect(logged.length).toBeLessThan(200);
    expect(JSON.stringify(logged)).not.toContain(secretId);
    expect(
      platform.processes.wallet &&
        (await Promise.race([
          platform.processes.wallet.exited(),
          Promise.resolve('running'),
        ])),
    ).toBe('running');

    // A fresh secret_id in the same file is picked up at the next login, with no restart.
    const fresh = await vaultAdmin(
      platform,
      'POST',
      'auth/approle/role/wallet/secret-id',
    );
    fs.writeFileSync(secretIdFile, fresh.body.data.secret_id);
    await waitFor(
      async () =>
        (await fetch(`${platform.urls.wallet}/_system/ready`)).status === 200,
      20_000,
    );
    expect(
      (await agentCall(platform, jwt, { path: '/secrets/seeded' })).status,
    ).toBe(200);
  });
});
