import type { RequestHandler } from 'express';
import { AppError } from '@secret-flows/contracts';
import { tenantOf } from '../auth/auth.middleware';

export interface TenantRateLimitOptions {
  limitPerMinute: number;
  now?: () => number;
  /** Buckets kept before idle (full) ones are dropped; default 10 000. */
  maxTenants?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * Per-tenant token bucket on top of the gateway's per-consumer limit (issue 6): a tenant may
 * burst up to `limitPerMinute` requests and then gets `limitPerMinute / 60` per second; beyond
 * that 429 `rate_limited` with Retry-After. Must run after requireTenant.
 * @example app.use('/v1/keys', requireTenant(...), tenantRateLimit({ limitPerMinute: 600 }))
 */
export function tenantRateLimit(options: TenantRateLimitOptions): RequestHandler {
  if (!(options.limitPerMinute > 0)) throw new RangeError('limitPerMinute must be positive');
  const now = options.now ?? Date.now;
  const maxTenants = options.maxTenants ?? 10_000;
  const capacity = options.limitPerMinute;
  const refillPerMs = options.limitPerMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, at: number): void {
    bucket.tokens = Math.min(capacity, bucket.tokens + (at - bucket.updatedMs) * refillPerMs);
    bucket.updatedMs = at;
  }

  function prune(at: number): void {
    for (const [tenantId, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= capacity) buckets.delete(tenantId);
    }
  }

  return (_req, res, next) => {
    const { tenantId } = tenantOf(res);
    const at = now();
    let bucket = buckets.get(tenantId);
    if (!bucket) {
      if (buckets.size >= maxTenants) prune(at);
      bucket = { tokens: capacity, updatedMs: at };
      buckets.set(tenantId, bucket);
    }
    refill(bucket, at);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
      next(new AppError('rate_limited', 'Too many requests for this tenant.', { retryAfterSeconds }));
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
