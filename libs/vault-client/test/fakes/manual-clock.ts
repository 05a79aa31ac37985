import type { VaultClock } from '../../src/auth/token-lifetime';

/** A frozen clock whose timers fire only when the test advances time. */
export function createManualClock(start = 1_700_000_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const clock = {
    now: () => now,
    setTimeout(fn: () => void, ms: number) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    /** Moves time forward, firing due timers in order and letting their promises settle. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await flush();
      }
      now = end;
      await flush();
    },
    pendingTimers: () => timers.size,
  } satisfies VaultClock & Record<string, unknown>;
  return clock;
}

/** Lets chained promise callbacks run. */
export async function flush(rounds = 20) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
