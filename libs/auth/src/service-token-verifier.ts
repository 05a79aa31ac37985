import * as crypto from 'node:crypto';
import { AuthError } from './auth-error';
import { checkAudience, checkIssuer, checkTimeClaims } from './claims';
import { decodeJwt } from './jwt-parts';
import { importPublicJwk, isKeyCompatible, verifyJwsSignature } from './keys';
import {
  MAX_SERVICE_TOKEN_BYTES,
  MAX_SERVICE_TTL_SECONDS,
  SCOPE_PATTERN,
} from './service-token-claims';
import { createVerifiedCache } from './verified-cache';

/** A trusted service key: a JWK, or a PEM with its kid. */
export type TrustedServiceKey =
  | { kid: string; publicKeyPem: string }
  | { kid?: string; jwk: Record<string, unknown> };

export interface ServiceTokenVerifierOptions {
  /** A JWKS document (`{keys: [...]}`) or a list of keys; several keys allow rotation. */
  trustedKeys:
    | { keys: Record<string, unknown>[] }
    | readonly TrustedServiceKey[];
  audience?: string;
  issuer?: string;
  /** Tokens living longer than this (exp - iat) are refused; default 60. */
  maxTtlSeconds?: number;
  /** Default 5, at most 60. */
  clockToleranceSeconds?: number;
  /** How many verified tokens to remember (the agent reuses one for ~20 s); default 100, 0 disables. */
  verifiedCacheSize?: number;
  clock?: () => number;
}

export interface ServiceClaims {
  issuer: string;
  subject: string;
  keyId: string;
  issuedAt: Date;
  expiresAt: Date;
  requestId?: string;
  /** The token's `scope` claim, when it has one. */
  scope?: string;
  /** `scope` split on spaces; empty when the token has none. */
  scopes: string[];
}

function loadTrustedKeys(
  trusted: ServiceTokenVerifierOptions['trustedKeys'],
): Map<string, crypto.KeyObject> {
  const list: TrustedServiceKey[] = Array.isArray(trusted)
    ? [...(trusted as readonly TrustedServiceKey[])]
    : (trusted as { keys: Record<string, unknown>[] }).keys.map((jwk) => ({
        jwk,
      }));
  const keys = new Map<string, crypto.KeyObject>();
  for (const entry of list) {
    const kid =
      'publicKeyPem' in entry ? entry.kid : (entry.kid ?? entry.jwk['kid']);
    const key =
      'publicKeyPem' in entry
        ? crypto.createPublicKey(entry.publicKeyPem)
        : importPublicJwk(entry.jwk)?.key;
    if (typeof kid !== 'string' || kid === '')
      throw new TypeError('every trusted service key needs a kid');
    if (!key || !isKeyCompatible('ES256', key))
      throw new TypeError(
        `trusted service key ${kid} is not a P-256 public key`,
      );
    keys.set(kid, key);
  }
  if (keys.size === 0)
    throw new TypeError('trustedKeys must hold at least one key');
  return keys;
}

/**
 * Verifies the agent's service tokens against trusted P-256 keys (ES256 only, kid required).
 *
 * @example
 * const verifier = createServiceTokenVerifier({ trustedKeys: jwksJson });
 * const claims = verifier.verify(req.get('x-service-token'));
 */
export function createServiceTokenVerifier(
  options: ServiceTokenVerifierOptions,
) {
  const keys = loadTrustedKeys(options.trustedKeys);
  const audience = options.audience ?? 'wallet';
  const issuer = options.issuer ?? 'agent';
  const maxTtlSeconds = options.maxTtlSeconds ?? MAX_SERVICE_TTL_SECONDS;
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  if (clockToleranceSeconds < 0 || clockToleranceSeconds > 60)
    throw new RangeError('clockToleranceSeconds must be 0..60');
  const clock = options.clock ?? Date.now;
  const verifiedCacheSize = options.verifiedCacheSize ?? 100;
  if (!Number.isInteger(verifiedCacheSize) || verifiedCacheSize < 0)
    throw new RangeError('verifiedCacheSize must be an integer >= 0');

  function verifyFully(token: string | undefined): ServiceClaims {
    const decoded = decodeJwt(token, MAX_SERVICE_TOKEN_BYTES);
    if (decoded.header.alg !== 'ES256') throw new AuthError('unsupported_alg');
    const kid = decoded.header.kid;
    const key = kid === undefined ? undefined : keys.get(kid);
    if (kid === undefined || !key) throw new AuthError('unknown_key');
    verifyJwsSignature('ES256', key, decoded.signingInput, decoded.signature);
    const { payload } = decoded;
    checkIssuer(payload, issuer);
    checkAudience(payload, [audience]);
    const nowSeconds = Math.floor(clock() / 1000);
    const { exp, iat } = checkTimeClaims(payload, {
      nowSeconds,
      clockToleranceSeconds,
    });
    if (iat === undefined)
      throw new AuthError('malformed', {
        detail: 'The iat claim is required.',
      });
    // A stolen service token must be short-lived whatever the signer was configured with.
    if (exp - iat > maxTtlSeconds)
      throw new AuthError('expired', { detail: 'The token lives too long.' });
    const claims: ServiceClaims = {
      issuer,
      subject: typeof payload['sub'] === 'string' ? payload['sub'] : issuer,
      keyId: kid,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
      scopes: [],
    };
    if (typeof payload['request_id'] === 'string')
      claims.requestId = payload['request_id'];
    if (payload['scope'] !== undefined) {
      if (
        typeof payload['scope'] !== 'string' ||
        !SCOPE_PATTERN.test(payload['scope'])
      ) {
        throw new AuthError('malformed', {
          detail: 'The scope claim must be space-separated tokens.',
        });
      }
      claims.scope = payload['scope'];
      claims.scopes = payload['scope'].split(' ');
    }
    return claims;
  }

  function checkTime(claims: ServiceClaims): void {
    checkTimeClaims(
      {
        exp: claims.expiresAt.getTime() / 1000,
        iat: claims.issuedAt.getTime() / 1000,
      },
      { nowSeconds: Math.floor(clock() / 1000), clockToleranceSeconds },
    );
  }

  const verified = createVerifiedCache<ServiceClaims>(verifiedCacheSize);

  return {
    /** Verifies a service token and returns its claims; throws AuthError. */
    verify(token: string | undefined): ServiceClaims {
      const cacheable =
        typeof token === 'string' &&
        token.length > 0 &&
        token.length <= MAX_SERVICE_TOKEN_BYTES;
      const hit = cacheable ? verified.get(token) : undefined;
      if (hit) {
        try {
          checkTime(hit);
        } catch (err) {
          verified.delete(token as string);
          throw err;
        }
        return hit;
      }
      const claims = Object.freeze(verifyFully(token));
      if (cacheable) verified.set(token, claims);
      return claims;
    },
  };
}

export type ServiceTokenVerifier = ReturnType<
  typeof createServiceTokenVerifier
>;
