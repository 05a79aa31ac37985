import { createHash } from 'node:crypto';
import { AppError } from '@secret-flows/contracts';
import {
  isTokenRejected,
  isVaultUnavailable,
  VaultResponseError,
  type KvV2Api,
  type TransitApi,
} from '@secret-flows/vault-client';
import type { KvSource, WalletCore } from '@secret-flows/wallet-core';
import type { Metrics } from '@secret-flows/telemetry';
import type { TenantPrincipal } from '../auth/auth.middleware';
import type { TenantDataAccess } from './tenant-data-access';

export interface JwtExchangeOptions {
  walletCore: WalletCore;
  /** `vault.auth.jwt(mount).login(role, jwt)`: the exchange itself. */
  login(
    jwt: string,
  ): Promise<{ clientToken: string; leaseDurationSeconds: number }>;
  /** `vault.withToken(token)`: a view of the wallet's client that uses the tenant token. */
  withToken(token: string): KvSource;
  /** Bound on cached tokens (least recently used are dropped); default 10 000. */
  maxEntries?: number;
  /** A cached token is dropped this long before it (or its JWT) expires; default 30 s. */
  refreshMarginSeconds?: number;
  now?: () => number;
  counters?: Pick<Metrics['counters'], 'jwtExchanges' | 'jwtExchangeCacheHits'>;
  retryAfterSeconds?: number;
  /**
   * Whether Vault still honours a tenant token (`auth/token/lookup-self`); asked only after a
   * 403, to tell a token Vault stopped honouring (tenant deleted = entity disabled, or revoked)
   * from a path its policy does not cover. Without it every 403 stays a server-side error.
   */
  isTokenValid?(token: string): Promise<boolean>;
}

interface CachedToken {
  source: KvSource;
  validUntilMs: number;
  tenantId: string;
}

/** Phase 4 tenant data access, plus what tenant administration needs from its token cache. */
export type JwtExchangeTenantDataAccess = TenantDataAccess & {
  stats(): { exchanges: number; cacheHits: number; cached: number };
  /** Drops every cached token of a tenant (called when the tenant is deleted). */
  forgetTenant(tenantId: string): void;
};

/**
 * Phase 4 tenant data access: each tenant JWT is exchanged once (auth/jwt/login) for a
 * tenant-scoped Vault token, cached until shortly before the earlier of the JWT's and the
 * token's expiry, in a bounded LRU, with one exchange in flight per JWT however many requests
 * carry it. Vault's templated policy then confines every read and write to the JWT's tenant.
 * @example createJwtExchangeTenantDataAccess({ walletCore, login: (jwt) => vault.auth.jwt('jwt').login('tenant', jwt), withToken: (t) => vault.withToken(t) })
 */
export function createJwtExchangeTenantDataAccess(
  options: JwtExchangeOptions,
): JwtExchangeTenantDataAccess {
  const maxEntries = options.maxEntries ?? 10_000;
  const marginMs = (options.refreshMarginSeconds ?? 30) * 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<KvSource>>();
  let exchanges = 0;
  let cacheHits = 0;

  async function exchange(
    key: string,
    principal: TenantPrincipal,
  ): Promise<KvSource> {
    exchanges++;
    let auth: { clientToken: string; leaseDurationSeconds: number };
    try {
      auth = await options.login(principal.jwt);
      options.counters?.jwtExchanges.inc({ result: 'ok' });
    } catch (err) {
      options.counters?.jwtExchanges.inc({ result: 'error' });
      throw exchangeError(err, options.retryAfterSeconds ?? 2);
    }
    const source = refusalAware(
      options.withToken(auth.clientToken),
      auth.clientToken,
      key,
    );
    const validUntilMs =
      Math.min(
        principal.expiresAt.getTime(),
        now() + auth.leaseDurationSeconds * 1000,
      ) - marginMs;
    // A token that is already inside the margin still serves this request, it just is not kept.
    if (validUntilMs > now())
      remember(key, { source, validUntilMs, tenantId: principal.tenantId });
    return source;
  }

  // A cached token can die before its expiry: DELETE of the tenant disables its entity (in this
  // replica or another one), or an operator revokes it. Vault then answers 403 to everything;
  // the caller must hear 401 (its JWT no longer opens anything), and the entry must go so the
  // next request exchanges again — which Vault refuses for a deleted tenant.
  function refusalAware(
    source: KvSource,
    token: string,
    key: string,
  ): KvSource {
    const isTokenValid = options.isTokenValid;
    if (!isTokenValid) return source;
    const translate = async (err: unknown): Promise<unknown> => {
      if (!isTokenRejected(err)) return err;
      let valid: boolean;
      try {
        valid = await isTokenValid(token);
      } catch {
        return err;
      }
      if (valid) return err;
      cache.delete(key);
      return new AppError(
        'unauthorized',
        'The tenant token was refused by the secret store.',
        { cause: err },
      );
    };
    const apis = new Map<string, KvV2Api>();
    const transitSource = source.transit;
    return {
      kvV2(mount: string) {
        let api = apis.get(mount);
        if (!api)
          apis.set(mount, (api = guardApi(source.kvV2(mount), translate)));
        return api;
      },
      // vault-transit keys sign with the same tenant token, with the same refusal handling.
      ...(transitSource && {
        transit: (mount?: string) =>
          guardApi(
            transitSource(mount) as unknown as KvV2Api,
            translate,
          ) as unknown as TransitApi,
      }),
    };
  }

  function remember(key: string, entry: CachedToken): void {
    cache.set(key, entry);
    while (cache.size > maxEntries)
      cache.delete(cache.keys().next().value as string);
  }

  function cached(key: string): KvSource | undefined {
    const entry = cache.get(key);
    if (!entry) return undefined;
    cache.delete(key);
    if (entry.validUntilMs <= now()) return undefined;
    cache.set(key, entry);
    return entry.source;
  }

  async function sourceFor(principal: TenantPrincipal): Promise<KvSource> {
    // Keyed by what the verified token means, not by its bytes: an ES256 signature has two valid
    // forms (s and n - s, which RFC 7518 §3.4 does not forbid and Vault's signer does not
    // normalise), so two token strings can carry one meaning and must cost one exchange. Hashed,
    // so the key reveals nothing.
    const meaning = JSON.stringify([
      principal.issuer,
      principal.subject,
      principal.tenantId,
      principal.issuedAt ?? null,
      principal.expiresAt.getTime(),
    ]);
    const key = createHash('sha256').update(meaning).digest('base64url');
    const hit = cached(key);
    if (hit) {
      cacheHits++;
      options.counters?.jwtExchangeCacheHits.inc();
      return hit;
    }
    let pending = inFlight.get(key);
    if (!pending) {
      pending = exchange(key, principal).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    mode: 'multi',
    async walletFor(principal) {
      return options.walletCore.forClient(
        principal.tenantId,
        await sourceFor(principal),
      );
    },
    stats: () => ({ exchanges, cacheHits, cached: cache.size }),
    forgetTenant(tenantId) {
      for (const [key, entry] of cache)
        if (entry.tenantId === tenantId) cache.delete(key);
    },
  };
}

function guardApi(
  api: KvV2Api,
  translate: (err: unknown) => Promise<unknown>,
): KvV2Api {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(api) as [string, unknown][]) {
    guarded[name] =
      typeof fn === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (fn as (...a: unknown[]) => Promise<unknown>).apply(
                api,
                args,
              );
            } catch (err) {
              throw await translate(err);
            }
          }
        : fn;
  }
  return guarded as unknown as KvV2Api;
}

// Vault answers 400 for a JWT it will not accept (expired, wrong audience, bound claims) and
// 403 when the role or entity is disabled (a deleted tenant): both mean "this tenant token is
// no good", which the caller must hear as 401, not as a server fault.
function exchangeError(err: unknown, retryAfterSeconds: number): AppError {
  if (isVaultUnavailable(err))
    return new AppError('vault_unavailable', 'Vault is unavailable.', {
      cause: err,
      retryAfterSeconds,
    });
  if (
    err instanceof VaultResponseError &&
    (err.status === 400 || err.status === 403)
  ) {
    return new AppError(
      'unauthorized',
      'The tenant token was refused by the secret store.',
      { cause: err },
    );
  }
  return new AppError('internal', 'The tenant token exchange failed.', {
    cause: err,
  });
}
