import { hash } from 'node:crypto';

/** The outcome of counting one request against a fixed window. */
export interface CountResult {
  readonly isAllowed: boolean;
  readonly remaining: number;
  /**
   * Seconds until the window of this key restarts, as APISIX sends it in X-RateLimit-Reset:
   * the full window for a new one, else `end - now` floored to hundredths
   * (limit-count-local.lua read_reset; limit-count/init.lua `math_floor(reset * 100) / 100`).
   */
  readonly resetSeconds: number;
}

interface Window {
  used: number;
  readonly endsAtMs: number;
}

// Expired windows are swept when the map grows past this, so memory follows the number of
// active keys, not the number of keys ever seen.
const SWEEP_THRESHOLD = 10_000;
// APISIX keeps counters in a fixed-size shared dict (`plugin-limit-count`, 10 MB) that evicts
// the least recently used entries when full; gateway-dev caps the number of live keys the same
// way (oldest window first), and stores a digest, so a flood of distinct keys (e.g. one per
// bearer token) costs bounded memory.
const DEFAULT_MAX_KEYS = 100_000;

/**
 * A fixed-window counter per key, like lua-resty-limit-count under APISIX's `local` policy:
 * the window of a key starts with its first request and lasts `windowSeconds`.
 */
export function createFixedWindowCounter(options: {
  limit: number;
  windowSeconds: number;
  now: () => number;
  maxKeys?: number;
}) {
  const windows = new Map<string, Window>();
  const windowMs = options.windowSeconds * 1000;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;

  const sweep = (nowMs: number) => {
    for (const [key, window] of windows)
      if (window.endsAtMs <= nowMs) windows.delete(key);
  };

  return {
    count(rawKey: string): CountResult {
      const key = hash('sha256', rawKey, 'base64');
      const nowMs = options.now();
      let window = windows.get(key);
      let resetSeconds: number;
      if (!window || window.endsAtMs <= nowMs) {
        if (windows.size >= SWEEP_THRESHOLD || windows.size >= maxKeys)
          sweep(nowMs);
        if (window) windows.delete(key);
        // Map iteration is insertion order: the first entry is the oldest window.
        while (windows.size >= maxKeys)
          windows.delete(windows.keys().next().value as string);
        window = { used: 0, endsAtMs: nowMs + windowMs };
        windows.set(key, window);
        resetSeconds = options.windowSeconds;
      } else {
        resetSeconds =
          Math.floor(Math.max(0, (window.endsAtMs - nowMs) / 1000) * 100) / 100;
      }
      if (window.used >= options.limit)
        return { isAllowed: false, remaining: 0, resetSeconds };
      window.used += 1;
      return {
        isAllowed: true,
        remaining: options.limit - window.used,
        resetSeconds,
      };
    },
    /** Number of keys currently tracked (for tests and metrics). */
    size: () => windows.size,
  };
}
