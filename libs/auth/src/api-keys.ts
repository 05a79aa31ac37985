import * as crypto from 'node:crypto';

/**
 * Compares two strings in time independent of where they differ and of their lengths
 * (both are hashed with SHA-256 first, so timingSafeEqual always sees 32 bytes).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = crypto.createHash('sha256').update(a, 'utf8').digest();
  const right = crypto.createHash('sha256').update(b, 'utf8').digest();
  return crypto.timingSafeEqual(left, right);
}

/** Checks a presented API key; false when no key is configured, so there is never a default key. */
export function checkApiKey(
  presented: string | undefined,
  expected: string | undefined,
): boolean {
  if (expected === undefined || expected === '') return false;
  if (presented === undefined || presented === '') return false;
  return constantTimeEqual(presented, expected);
}
