/**
 * Vault's `framework.CalculateTTL` (sdk/framework/lease.go): picks the TTL from the increment,
 * the backend's TTL or the mount default, and caps it at issue time + effective max,
 * with Vault's exact warning text.
 */
import { VaultError } from '../backend';
import { humanDuration } from '../util/time-format';

export interface TtlInput {
  nowMs: number;
  issueMs: number;
  incrementSeconds: number;
  backendTtlSeconds: number;
  backendMaxSeconds: number;
  explicitMaxSeconds: number;
  periodSeconds: number;
  mountDefaultSeconds: number;
  mountMaxSeconds: number;
}

export interface TtlResult {
  ttlSeconds: number;
  /** The effective max TTL (seconds from issue time) that applied. */
  maxTtlSeconds: number;
  warnings: string[];
}

function minPositive(...values: number[]): number {
  const positive = values.filter((v) => v > 0);
  return positive.length === 0 ? 0 : Math.min(...positive);
}

export function calculateTtl(input: TtlInput): TtlResult {
  const warnings: string[] = [];
  if (input.periodSeconds > 0) {
    // Periodic tokens renew to their period regardless of the increment; only an explicit max caps them.
    let ttl = input.periodSeconds;
    if (input.explicitMaxSeconds > 0) {
      const remaining = Math.floor(
        (input.issueMs + input.explicitMaxSeconds * 1000 - input.nowMs) / 1000,
      );
      if (remaining <= 0)
        throw new VaultError(400, ['past the max TTL, cannot renew']);
      if (remaining < ttl) {
        warnings.push(
          `period of "${humanDuration(ttl)}" exceeded the effective max_ttl of "${humanDuration(remaining)}"; period value is capped accordingly`,
        );
        ttl = remaining;
      }
    }
    return {
      ttlSeconds: ttl,
      maxTtlSeconds: input.explicitMaxSeconds,
      warnings,
    };
  }
  const maxTtl = minPositive(
    input.mountMaxSeconds,
    input.backendMaxSeconds,
    input.explicitMaxSeconds,
  );
  let ttl =
    input.incrementSeconds > 0
      ? input.incrementSeconds
      : input.backendTtlSeconds > 0
        ? input.backendTtlSeconds
        : input.mountDefaultSeconds;
  const remaining = Math.floor(
    (input.issueMs + maxTtl * 1000 - input.nowMs) / 1000,
  );
  if (remaining <= 0)
    throw new VaultError(400, ['past the max TTL, cannot renew']);
  if (remaining < ttl) {
    warnings.push(
      `TTL of "${humanDuration(ttl)}" exceeded the effective max_ttl of "${humanDuration(remaining)}"; TTL value is capped accordingly`,
    );
    ttl = remaining;
  }
  return { ttlSeconds: ttl, maxTtlSeconds: maxTtl, warnings };
}
