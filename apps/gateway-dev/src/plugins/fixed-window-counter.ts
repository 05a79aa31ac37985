/** The outcome of counting one request against a fixed window. */
export interface CountResult {
  readonly isAllowed: boolean;
  readonly remaining: number;
  /** Seconds until the window of this key restarts. */
  readonly resetSeconds: number;
}

interface Window {
  used: number;
  readonly endsAtMs: number;
}

// Expired windows are swept when the map grows past this, so memory follows the number of
// active keys, not the number of keys ever seen.
const SWEEP_THRESHOLD = 10_000;

/**
 * A fixed-window counter per key, like lua-resty-limit-count under APISIX's `local` policy:
 * the window of a key starts with its first request and lasts `windowSeconds`.
 */
export function createFixedWindowCounter(options: { limit: number; windowSeconds: number; now: () => number }) {
  const windows = new Map<string, Window>();
  const windowMs = options.windowSeconds * 1000;

  const sweep = (nowMs: number) => {
    for (const [key, window] of windows) if (window.endsAtMs <= nowMs) windows.delete(key);
  };

  return {
    count(key: string): CountResult {
      const nowMs = options.now();
      let window = windows.get(key);
      if (!window || window.endsAtMs <= nowMs) {
        if (windows.size >= SWEEP_THRESHOLD) sweep(nowMs);
        window = { used: 0, endsAtMs: nowMs + windowMs };
        windows.set(key, window);
      }
      const resetSeconds = Math.max(0, Math.ceil((window.endsAtMs - nowMs) / 1000));
      if (window.used >= options.limit) return { isAllowed: false, remaining: 0, resetSeconds };
      window.used += 1;
      return { isAllowed: true, remaining: options.limit - window.used, resetSeconds };
    },
    /** Number of keys currently tracked (for tests and metrics). */
    size: () => windows.size,
  };
}
