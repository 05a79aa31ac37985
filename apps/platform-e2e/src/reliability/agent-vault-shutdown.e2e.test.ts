import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { approleTokenAccessors, startLoad, waitFor } from './support/faults';

describe('the agent holding its own Vault token (phase 2) on SIGTERM', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(2);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('finishes the requests under way, revokes its AppRole token and exits 0 within 10 s', async () => {
    const put = await fetch(`${platform.urls.agent}/secrets/seeded`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'v' }),
    });
    expect(put.status).toBe(200);
    expect((await approleTokenAccessors(platform)).length).toBeGreaterThan(0);
    const load = startLoad(4, async () => {
      try {
        const res = await fetch(`${platform.urls.agent}/secrets/seeded`, {
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        return String(res.status);
      } catch (err) {
        return String(
          (err as { cause?: { code?: string } }).cause?.code ??
            (err as Error).name,
        );
      }
    });
    await waitFor(async () => load.results.length >= 40, 10_000);
    const signalledAt = Date.now();
    process.kill(platform.processes.agent?.pid as number, 'SIGTERM');
    const code = await platform.processes.agent?.exited();
    const statuses = await load.stop();
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    // Every answer was a success or a refused connection, never a 5xx. A request written onto a
    // keep-alive socket just as the drain closes it idle is reset before the agent reads it (the
    // HTTP/1.1 keep-alive race; nothing was processed): at most one per client socket.
    expect(
      statuses.filter(
        (s) =>
          !['200', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(s),
      ),
    ).toEqual([]);
    expect(
      statuses.filter((s) => s === 'ECONNRESET' || s === 'UND_ERR_SOCKET')
        .length,
    ).toBeLessThanOrEqual(4);
    expect(await approleTokenAccessors(platform)).toEqual([]);
  });
});
