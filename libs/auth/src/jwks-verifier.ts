import { AuthError } from './auth-error';
import { checkAudience, checkIssuer, checkTimeClaims } from './claims';
import {
  createDefaultFetch,
  createJwksCache,
  type JsonFetch,
} from './jwks-cache';
import { decodeJwt, type JwtPayload } from './jwt-parts';
import { createVerifiedCache } from './verified-cache';
import {
  SUPPORTED_ALGORITHMS,
  verifyJwsSignature,
  type JwsAlgorithm,
  type VerificationKey,
} from './keys';

export interface JwksVerifierOptions {
  /** e.g. Vault's `/v1/identity/oidc/.well-known/keys`. */
  jwksUrl: string;
  issuer: string;
  audience: string | readonly string[];
  /** Claim naming the tenant; default `tenant_id`. */
  tenantClaim?: string;
  /** Allow-list; default RS256, ES256, EdDSA. HS* and `none` are refused whatever is listed. */
  algorithms?: readonly JwsAlgorithm[];
  /** Leeway for exp/nbf/iat; default 30, at most 60. */
  clockToleranceSeconds?: number;
  /** Default 8192. */
  maxTokenBytes?: number;
  /** Least time between two JWKS fetches caused by unknown kids; default 30000. */
  minRefreshIntervalMs?: number;
  /** After a failed fetch, answer jwks_unavailable without fetching for this long; default 1000. */
  failureBackoffMs?: number;
  /** Timeout of the default fetch; default 5000. */
  fetchTimeoutMs?: number;
  fetch?: JsonFetch;
  /** How many verified tokens to remember (time claims are re-checked on reuse); default 1000, 0 disables. */
  verifiedCacheSize?: number;
  /** Called after each JWKS fetch, e.g. to count `jwks_fetches_total{result}`. */
  onJwksFetch?: (result: 'ok' | 'error') => void;
  /** Milliseconds since the epoch; default Date.now. */
  clock?: () => number;
}

/** What a verified tenant JWT says. */
export interface TenantClaims {
  tenantId: string;
  subject: string;
  expiresAt: Date;
  claims: JwtPayload;
}

/** Tenant ids: what Vault entity metadata and KV path segments can safely carry. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function positiveOption(
  name: string,
  value: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be a number between 0 and ${max}`);
  }
  return value;
}

function validated(options: JwksVerifierOptions) {
  if (!options.jwksUrl || !/^https?:\/\//.test(options.jwksUrl))
    throw new TypeError('jwksUrl must be an http(s) URL');
  if (!options.issuer) throw new TypeError('issuer is required');
  const audiences =
    typeof options.audience === 'string'
      ? [options.audience]
      : [...options.audience];
  if (audiences.length === 0 || audiences.some((a) => !a))
    throw new TypeError('audience is required');
  const algorithms = options.algorithms ?? SUPPORTED_ALGORITHMS;
  const unsupported = algorithms.filter(
    (alg) => !SUPPORTED_ALGORITHMS.includes(alg),
  );
  if (algorithms.length === 0 || unsupported.length > 0) {
    throw new TypeError(
      `algorithms must be a non-empty subset of ${SUPPORTED_ALGORITHMS.join(', ')}`,
    );
  }
  return {
    audiences,
    algorithms,
    tenantClaim: options.tenantClaim ?? 'tenant_id',
    clockToleranceSeconds: positiveOption(
      'clockToleranceSeconds',
      options.clockToleranceSeconds ?? 30,
      60,
    ),
    maxTokenBytes: positiveOption(
      'maxTokenBytes',
      options.maxTokenBytes ?? 8192,
    ),
    minRefreshIntervalMs: positiveOption(
      'minRefreshIntervalMs',
      options.minRefreshIntervalMs ?? 30_000,
    ),
    failureBackoffMs: positiveOption(
      'failureBackoffMs',
      options.failureBackoffMs ?? 1000,
    ),
    verifiedCacheSize: Math.floor(
      positiveOption('verifiedCacheSize', options.verifiedCacheSize ?? 1000),
    ),
    clock: options.clock ?? Date.now,
    fetch:
      options.fetch ??
      createDefaultFetch(
        positiveOption('fetchTimeoutMs', options.fetchTimeoutMs ?? 5000),
      ),
  };
}

/**
 * Verifies tenant JWTs against an issuer's JWKS: allow-listed asymmetric algorithms, keys by kid,
 * iss/aud/exp/nbf/iat, and a required, validated tenant claim.
 *
 * @example
 * const verifier = createJwksVerifier({ jwksUrl, issuer, audience: 'agent' });
 * const { tenantId } = await verifier.verify(bearerToken);
 */
export function createJwksVerifier(options: JwksVerifierOptions) {
  const o = validated(options);
  const cache = createJwksCache({
    jwksUrl: options.jwksUrl,
    fetch: o.fetch,
    clock: o.clock,
    minRefreshIntervalMs: o.minRefreshIntervalMs,
    failureBackoffMs: o.failureBackoffMs,
    ...(options.onJwksFetch ? { onFetch: options.onJwksFetch } : {}),
  });

  async function pickKey(
    alg: JwsAlgorithm,
    kid: string | undefined,
  ): Promise<VerificationKey> {
    const candidates = await cache.candidates(kid);
    // Without a kid the choice must be unambiguous: trying every key would let a token pick one.
    if (candidates.length !== 1) throw new AuthError('unknown_key');
    const key = candidates[0] as VerificationKey;
    if (key.alg !== undefined && key.alg !== alg)
      throw new AuthError('unsupported_alg');
    return key;
  }

  function verifyTime(payload: JwtPayload): number {
    return checkTimeClaims(payload, {
      nowSeconds: Math.floor(o.clock() / 1000),
      clockToleranceSeconds: o.clockToleranceSeconds,
    }).exp;
  }

  async function verifyFully(token: string | undefined): Promise<TenantClaims> {
    const jwt = decodeJwt(token, o.maxTokenBytes);
    const alg = jwt.header.alg as JwsAlgorithm;
    if (!o.algorithms.includes(alg)) throw new AuthError('unsupported_alg');
    const key = await pickKey(alg, jwt.header.kid);
    verifyJwsSignature(alg, key.key, jwt.signingInput, jwt.signature);
    const { payload } = jwt;
    checkIssuer(payload, options.issuer);
    checkAudience(payload, o.audiences);
    const exp = verifyTime(payload);
    const tenantId = payload[o.tenantClaim];
    if (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))
      throw new AuthError('bad_tenant_claim');
    const subject = payload['sub'];
    if (typeof subject !== 'string' || subject === '')
      throw new AuthError('malformed', {
        detail: 'The sub claim is required.',
      });
    // Frozen: the same object is handed to every request that presents this token.
    return Object.freeze({
      tenantId,
      subject,
      expiresAt: new Date(exp * 1000),
      claims: Object.freeze(payload),
    });
  }

  const verified = createVerifiedCache<TenantClaims>(o.verifiedCacheSize);

  return {
    /** Verifies a compact JWT and returns the tenant it was issued to; throws AuthError. */
    async verify(token: string | undefined): Promise<TenantClaims> {
      const cacheable =
        typeof token === 'string' &&
        token.length > 0 &&
        token.length <= o.maxTokenBytes;
      const hit = cacheable ? verified.get(token) : undefined;
      if (hit) {
        try {
          verifyTime(hit.claims);
        } catch (err) {
          verified.delete(token as string);
          throw err;
        }
        return hit;
      }
      const result = await verifyFully(token);
      if (cacheable) verified.set(token, result);
      return result;
    },
    /** Counters for metrics and the benchmark. */
    stats(): { jwksFetches: number; verifiedCacheHits: number } {
      return {
        jwksFetches: cache.stats().jwksFetches,
        verifiedCacheHits: verified.stats().hits,
      };
    },
  };
}

export type JwksVerifier = ReturnType<typeof createJwksVerifier>;
