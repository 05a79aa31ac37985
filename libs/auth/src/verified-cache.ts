import * as crypto from 'node:crypto';

/**
 * A bounded LRU of tokens whose signature, issuer, audience and tenant were already verified.
 * The same tenant JWT arrives with every request until it expires, and a signature check is
 * the most expensive step of a request on the agent and the wallet. Entries are keyed by the
 * token's SHA-256 (the exact bytes that were verified) and time claims are re-checked on every hit.
 */
export function createVerifiedCache<T>(maxEntries: number) {
  const entries = new Map<string, T>();
  let hits = 0;
  const keyOf = (token: string) =>
    crypto.createHash('sha256').update(token).digest('base64url');

  return {
    get(token: string): T | undefined {
      if (maxEntries === 0) return undefined;
      const key = keyOf(token);
      const value = entries.get(key);
      if (value === undefined) return undefined;
      // Re-insert to mark as most recently used (a Map iterates in insertion order).
      entries.delete(key);
      entries.set(key, value);
      hits += 1;
      return value;
    },
    set(token: string, value: T): void {
      if (maxEntries === 0) return;
      entries.set(keyOf(token), value);
      if (entries.size > maxEntries)
        entries.delete(entries.keys().next().value as string);
    },
    delete(token: string): void {
      entries.delete(keyOf(token));
    },
    stats: () => ({ hits, size: entries.size }),
  };
}
