import { createClient } from './client';
import { defaultSleep } from './transport';
import { fakePlatform, json, problem } from '../test/fake-platform';

const isAbort = (e: unknown) =>
  (e as { name?: unknown } | null)?.name === 'AbortError';

describe('cancellation with AbortSignal', () => {
  it('an already-aborted signal rejects with AbortError and sends nothing', async () => {
    const p = fakePlatform();
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      credentials: { username: 'demo', password: 'pw' },
      fetch: p.fetch,
      clock: p.clock,
    });
    const err = await c.keys
      .list({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(isAbort(err)).toBe(true);
    expect(p.seen).toHaveLength(0);
  });

  it('aborting while the request is in flight rejects at once with AbortError', async () => {
    const p = fakePlatform({
      routes: (_req, signal) =>
        new Promise<Response>((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason), {
            once: true,
          }),
        ),
    });
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      fetch: p.fetch,
    });
    const ac = new AbortController();
    const pending = c.secrets.get('slow', { signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const err = await pending.catch((e: unknown) => e);
    expect(isAbort(err)).toBe(true);
    expect(p.counts.agent).toBe(1);
  });

  it('aborting during a Retry-After wait stops at once: no further attempt', async () => {
    const p = fakePlatform({
      routes: () =>
        problem('wallet_unavailable', 503, {}, { 'retry-after': '5' }),
    });
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      fetch: p.fetch,
      sleep: defaultSleep,
    });
    const ac = new AbortController();
    const started = Date.now();
    const pending = c.keys.list({ signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const err = await pending.catch((e: unknown) => e);
    expect(isAbort(err)).toBe(true);
    expect(Date.now() - started).toBeLessThan(4000); // far from the 5 s it would have waited
    expect(p.counts.agent).toBe(1);
  });

  it("one caller's abort during the shared login does not fail the other callers", async () => {
    const p = fakePlatform();
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      credentials: { username: 'demo', password: 'pw' },
      fetch: p.fetch,
      clock: p.clock,
    });
    const ac = new AbortController();
    const cancelled = c.keys.list({ signal: ac.signal });
    const others = Promise.all([c.keys.list(), c.secrets.list()]);
    ac.abort();
    expect(isAbort(await cancelled.catch((e: unknown) => e))).toBe(true);
    await expect(others).resolves.toHaveLength(2);
    expect(p.counts).toMatchObject({ login: 1, token: 1, agent: 2 });
  });

  it('the signal reason given by the application is what the call rejects with', async () => {
    const p = fakePlatform({ routes: () => json(200, {}) });
    const c = createClient({
      gatewayUrl: 'http://gw.test',
      apiKey: 'k',
      fetch: p.fetch,
    });
    const reason = new Error('user left the page');
    await expect(
      c.keys.list({ signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });
});
