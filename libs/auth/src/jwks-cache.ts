import { AuthError } from './auth-error';
import { importPublicJwk, type VerificationKey } from './keys';

/** Fetches a URL and resolves with its parsed JSON body; rejects on network or HTTP errors. */
export type JsonFetch = (url: string) => Promise<unknown>;

export interface JwksCacheOptions {
  jwksUrl: string;
  fetch: JsonFetch;
  clock: () => number;
  minRefreshIntervalMs: number;
  failureBackoffMs: number;
  onFetch?: (result: 'ok' | 'error') => void;
}

/** Fetches with the global fetch, a timeout, and a size bound; an HTTP error is a rejection. */
export function createDefaultFetch(
  timeoutMs: number,
  maxBytes = 1024 * 1024,
): JsonFetch {
  return async (url) => {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!response.ok)
      throw new Error(`JWKS endpoint answered HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > maxBytes) throw new Error('JWKS document is too large');
    return JSON.parse(text) as unknown;
  };
}

function parseJwks(body: unknown): VerificationKey[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new Error('JWKS document has no keys array');
  return keys
    .filter(
      (jwk): jwk is Record<string, unknown> =>
        typeof jwk === 'object' && jwk !== null,
    )
    .map(importPublicJwk)
    .filter((key): key is VerificationKey => key !== undefined);
}

/**
 * The key set of one issuer. Refreshes happen only when a token names a kid we do not know,
 * at most once per `minRefreshIntervalMs` (so forged kids cannot turn us into a JWKS
 * hammer), one at a time however many requests wait.
 */
export function createJwksCache(o: JwksCacheOptions) {
  let keys: VerificationKey[] = [];
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let fetches = 0;

  async function refresh(): Promise<void> {
    fetches += 1;
    try {
      keys = parseJwks(await o.fetch(o.jwksUrl));
      lastFetchAt = o.clock();
      o.onFetch?.('ok');
    } catch (cause) {
      lastFailureAt = o.clock();
      o.onFetch?.('error');
      throw new AuthError('jwks_unavailable', { cause });
    }
  }

  function singleFlightRefresh(): Promise<void> {
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function mayRefresh(): boolean {
    const now = o.clock();
    return now - lastFetchAt >= o.minRefreshIntervalMs;
  }

  return {
    /** The keys that may have signed a token with this kid (all keys when the token has none). */
    async candidates(kid: string | undefined): Promise<VerificationKey[]> {
      const match = () =>
        kid === undefined ? keys : keys.filter((k) => k.kid === kid);
      if (inFlight) await inFlight.catch(() => undefined);
      const found = match();
      if (found.length > 0) return found;
      if (!mayRefresh()) return [];
      if (o.clock() - lastFailureAt < o.failureBackoffMs)
        throw new AuthError('jwks_unavailable');
      await singleFlightRefresh();
      return match();
    },
    stats: () => ({ jwksFetches: fetches, keys: keys.length }),
  };
}
