import type { RequestHandler } from 'express';
import { AppError } from '@secret-flows/contracts';
import { tenantOf } from '../auth/auth.middleware';

export interface TenantRateLimitOptions {
  limitPerMinute: number;
  now?: () => number;
  /** Tenants tracked at most; beyond, the least recently used bucket is dropped. Default 10 000. */
  maxTenants?: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** The middleware, plus how many tenants it currently tracks (bounded by `maxTenants`). */
export type TenantRateLimiter = RequestHandler & { trackedTenants(): number };

/**
 * Per-tenant token bucket on top of the gateway's per-consumer limit (docs/architecture.md): a tenant may
 * burst up to `limitPerMinute` requests and then gets `limitPerMinute / 60` per second; beyond
 * that 429 `rate_limited` with Retry-After. Must run after requireTenant.
 * @example app.use('/v1/keys', requireTenant(...), tenantRateLimit({ limitPerMinute: 600 }))
 */
export function tenantRateLimit(
  options: TenantRateLimitOptions,
): TenantRateLimiter {
  if (!(options.limitPerMinute > 0))
    throw new RangeError('limitPerMinute must be positive');
  if (
    options.maxTenants !== undefined &&
    !(Number.isInteger(options.maxTenants) && options.maxTenants > 0)
  ) {
    throw new RangeError('maxTenants must be a positive integer');
  }
  const now = options.now ?? Date.now;
  const maxTenants = options.maxTenants ?? 10_000;
  const capacity = options.limitPerMinute;
  const refillPerMs = options.limitPerMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, at: number): void {
    bucket.tokens = Math.min(
      capacity,
      bucket.tokens + (at - bucket.updatedMs) * refillPerMs,
    );
    bucket.updatedMs = at;
  }

  const handler: RequestHandler = (_req, res, next) => {
    const { tenantId } = tenantOf(res);
    const at = now();
    let bucket = buckets.get(tenantId);
    // The map's order is recency of use (re-inserted on every hit), so its first key is the
    // least recently used tenant: the one whose bucket has refilled the most, and whose drop
    // (a fresh, full bucket next time) costs the least. Bounded even when no bucket is full.
    if (bucket) buckets.delete(tenantId);
    else {
      bucket = { tokens: capacity, updatedMs: at };
      while (buckets.size >= maxTenants) {
        const oldest = buckets.keys().next();
        if (oldest.done) break;
        buckets.delete(oldest.value);
      }
    }
    buckets.set(tenantId, bucket);
    refill(bucket, at);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((1 - bucket.tokens) / refillPerMs / 1000),
      );
      next(
        new AppError('rate_limited', 'Too many requests for this tenant.', {
          retryAfterSeconds,
        }),
      );
      return;
    }
    bucket.tokens -= 1;
    next();
  };
  return Object.assign(handler, { trackedTenants: () => buckets.size });
}
