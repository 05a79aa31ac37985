import { randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '@secret-flows/contracts';
import { isCasMismatch } from '@secret-flows/vault-client';
import { toDomainError } from '../errors';
import type { TenantKv } from '../tenant-kv';
import type { TenantPaths } from '../tenant-paths';

/** BIP32 master seeds derived from a BIP39 mnemonic are 64 bytes; Identus stores exactly that. */
export const WALLET_SEED_BYTES = 64;

export interface TenantSeed {
  /**
   * Makes sure the tenant has a wallet seed: writes `seed` (or 64 fresh random bytes) with
   * cas 0. Idempotent: an identical existing seed is fine, a different one is a conflict.
   */
  ensure(seed?: Buffer): Promise<{ created: boolean }>;
  exists(): Promise<boolean>;
}

export interface TenantSeedOptions {
  kv: TenantKv;
  paths: TenantPaths;
  retryAfterSeconds: number;
  randomBytes?: (size: number) => Buffer;
}

/**
 * The wallet seed of one tenant, stored hex-encoded under `value` (the Identus format); it is
 * written and compared, never returned.
 * @example await createTenantSeed({ kv, paths, retryAfterSeconds: 2 }).ensure()
 */
export function createTenantSeed(options: TenantSeedOptions): TenantSeed {
  const { kv, paths } = options;
  const randomBytes = options.randomBytes ?? nodeRandomBytes;
  const fail = (err: unknown) =>
    toDomainError(err, {
      conflict: 'A different wallet seed already exists.',
      retryAfterSeconds: options.retryAfterSeconds,
    });

  async function matchesStored(seed: Buffer): Promise<boolean> {
    const stored = await kv.read(paths.seed);
    const hex = stored?.data?.value;
    if (typeof hex !== 'string') return false;
    const existing = Buffer.from(hex, 'hex');
    return existing.length === seed.length && timingSafeEqual(existing, seed);
  }

  return {
    async ensure(seed) {
      if (seed !== undefined && seed.length !== WALLET_SEED_BYTES) {
        throw new AppError(
          'validation_failed',
          `seed must be exactly ${WALLET_SEED_BYTES} bytes`,
        );
      }
      const value = (seed ?? randomBytes(WALLET_SEED_BYTES)).toString('hex');
      try {
        // Write first and let cas 0 decide: read-then-write races (the Identus bug, §2.2).
        await kv.write(paths.seed, { value }, { cas: 0 });
        return { created: true };
      } catch (err) {
        if (!isCasMismatch(err)) throw fail(err);
      }
      try {
        if (seed === undefined || (await matchesStored(seed)))
          return { created: false };
      } catch (err) {
        throw fail(err);
      }
      throw new AppError('conflict', 'A different wallet seed already exists.');
    },

    async exists() {
      try {
        const stored = await kv.read(paths.seed);
        return stored?.data != null;
      } catch (err) {
        throw fail(err);
      }
    },
  };
}
