import * as crypto from 'node:crypto';
import { sign as signJws } from 'jsonwebtoken';
import { AuthError } from './auth-error';
import { checkAudience, checkIssuer, checkTimeClaims } from './claims';
import { decodeJwt } from './jwt-parts';
import { importPublicJwk, isKeyCompatible, verifyJwsSignature } from './keys';
import { createVerifiedCache } from './verified-cache';

const MAX_SERVICE_TTL_SECONDS = 60;
// A cached token is re-signed when less than this is left, so that it cannot expire in flight.
const RESIGN_MARGIN_SECONDS = 10;
const MAX_SERVICE_TOKEN_BYTES = 4096;

/** Extra claims of one service token: the request id for the wallet's audit, a scope for admin calls. */
export interface ServiceTokenExtraClaims {
  requestId?: string;
  /** Space-separated scopes (RFC 8693 §4.2 `scope` syntax), e.g. `tenants:admin`. */
  scope?: string;
}

// RFC 6749 §3.3 scope-token characters, space separated.
const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export interface ServiceTokenSignerOptions {
  /** PKCS#8 PEM of a P-256 key. */
  privateKeyPem: string;
  keyId: string;
  issuer?: string;
  audience?: string;
  /** Default 30, at most 60. */
  ttlSeconds?: number;
  /** Milliseconds since the epoch; default Date.now. */
  clock?: () => number;
}

/**
 * Signs the agent's short-lived ES256 service tokens for the wallet.
 *
 * @example
 * const signer = createServiceTokenSigner({ privateKeyPem, keyId });
 * headers['x-service-token'] = signer.sign({ requestId });
 */
export function createServiceTokenSigner(options: ServiceTokenSignerOptions) {
  const ttlSeconds = options.ttlSeconds ?? 30;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= RESIGN_MARGIN_SECONDS || ttlSeconds > MAX_SERVICE_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer above ${RESIGN_MARGIN_SECONDS} and at most ${MAX_SERVICE_TTL_SECONDS}`);
  }
  if (!options.keyId) throw new TypeError('keyId is required');
  const privateKey = crypto.createPrivateKey(options.privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('privateKeyPem must be a P-256 private key (ES256)');
  }
  const issuer = options.issuer ?? 'agent';
  const audience = options.audience ?? 'wallet';
  const clock = options.clock ?? Date.now;
  // One cached token per scope (tenant calls use none, tenant administration a scope).
  const cached = new Map<string, { token: string; exp: number }>();

  function signNow(nowSeconds: number, extra: ServiceTokenExtraClaims): string {
    const claims: Record<string, unknown> = {
      iss: issuer,
      sub: issuer,
      aud: audience,
      iat: nowSeconds,
      exp: nowSeconds + ttlSeconds,
      jti: crypto.randomUUID(),
    };
    if (extra.requestId !== undefined) claims['request_id'] = extra.requestId;
    if (extra.scope !== undefined) claims['scope'] = extra.scope;
    return signJws(claims, privateKey, { algorithm: 'ES256', keyid: options.keyId });
  }

  return {
    /** Returns a valid service token; without a request id, a cached one (per scope) is reused until 10 s before expiry. */
    sign(extra: ServiceTokenExtraClaims = {}): string {
      const nowSeconds = Math.floor(clock() / 1000);
      if (extra.scope !== undefined && !SCOPE_PATTERN.test(extra.scope)) throw new TypeError('scope must be space-separated tokens');
      if (extra.requestId !== undefined) return signNow(nowSeconds, extra);
      const key = extra.scope ?? '';
      const hit = cached.get(key);
      if (hit && hit.exp - nowSeconds >= RESIGN_MARGIN_SECONDS) return hit.token;
      const token = signNow(nowSeconds, extra);
      cached.set(key, { token, exp: nowSeconds + ttlSeconds });
      return token;
    },
  };
}

export type ServiceTokenSigner = ReturnType<typeof createServiceTokenSigner>;

/** A trusted service key: a JWK, or a PEM with its kid. */
export type TrustedServiceKey = { kid: string; publicKeyPem: string } | { kid?: string; jwk: Record<string, unknown> };

export interface ServiceTokenVerifierOptions {
  /** A JWKS document (`{keys: [...]}`) or a list of keys; several keys allow rotation. */
  trustedKeys: { keys: Record<string, unknown>[] } | readonly TrustedServiceKey[];
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

function loadTrustedKeys(trusted: ServiceTokenVerifierOptions['trustedKeys']): Map<string, crypto.KeyObject> {
  const list: TrustedServiceKey[] = Array.isArray(trusted)
    ? [...(trusted as readonly TrustedServiceKey[])]
    : (trusted as { keys: Record<string, unknown>[] }).keys.map((jwk) => ({ jwk }));
  const keys = new Map<string, crypto.KeyObject>();
  for (const entry of list) {
    const kid = 'publicKeyPem' in entry ? entry.kid : (entry.kid ?? entry.jwk['kid']);
    const key = 'publicKeyPem' in entry ? crypto.createPublicKey(entry.publicKeyPem) : importPublicJwk(entry.jwk)?.key;
    if (typeof kid !== 'string' || kid === '') throw new TypeError('every trusted service key needs a kid');
    if (!key || !isKeyCompatible('ES256', key)) throw new TypeError(`trusted service key ${kid} is not a P-256 public key`);
    keys.set(kid, key);
  }
  if (keys.size === 0) throw new TypeError('trustedKeys must hold at least one key');
  return keys;
}

/**
 * Verifies the agent's service tokens against trusted P-256 keys (ES256 only, kid required).
 *
 * @example
 * const verifier = createServiceTokenVerifier({ trustedKeys: jwksJson });
 * const claims = verifier.verify(req.get('x-service-token'));
 */
export function createServiceTokenVerifier(options: ServiceTokenVerifierOptions) {
  const keys = loadTrustedKeys(options.trustedKeys);
  const audience = options.audience ?? 'wallet';
  const issuer = options.issuer ?? 'agent';
  const maxTtlSeconds = options.maxTtlSeconds ?? MAX_SERVICE_TTL_SECONDS;
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  if (clockToleranceSeconds < 0 || clockToleranceSeconds > 60) throw new RangeError('clockToleranceSeconds must be 0..60');
  const clock = options.clock ?? Date.now;
  const verifiedCacheSize = options.verifiedCacheSize ?? 100;
  if (!Number.isInteger(verifiedCacheSize) || verifiedCacheSize < 0) throw new RangeError('verifiedCacheSize must be an integer >= 0');

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
    const { exp, iat } = checkTimeClaims(payload, { nowSeconds, clockToleranceSeconds });
    if (iat === undefined) throw new AuthError('malformed', { detail: 'The iat claim is required.' });
    // A stolen service token must be short-lived whatever the signer was configured with.
    if (exp - iat > maxTtlSeconds) throw new AuthError('expired', { detail: 'The token lives too long.' });
    const claims: ServiceClaims = {
      issuer,
      subject: typeof payload['sub'] === 'string' ? payload['sub'] : issuer,
      keyId: kid,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
      scopes: [],
    };
    if (typeof payload['request_id'] === 'string') claims.requestId = payload['request_id'];
    if (payload['scope'] !== undefined) {
      if (typeof payload['scope'] !== 'string' || !SCOPE_PATTERN.test(payload['scope'])) {
        throw new AuthError('malformed', { detail: 'The scope claim must be space-separated tokens.' });
      }
      claims.scope = payload['scope'];
      claims.scopes = payload['scope'].split(' ');
    }
    return claims;
  }

  function checkTime(claims: ServiceClaims): void {
    checkTimeClaims(
      { exp: claims.expiresAt.getTime() / 1000, iat: claims.issuedAt.getTime() / 1000 },
      { nowSeconds: Math.floor(clock() / 1000), clockToleranceSeconds },
    );
  }

  const verified = createVerifiedCache<ServiceClaims>(verifiedCacheSize);

  return {
    /** Verifies a service token and returns its claims; throws AuthError. */
    verify(token: string | undefined): ServiceClaims {
      const cacheable = typeof token === 'string' && token.length > 0 && token.length <= MAX_SERVICE_TOKEN_BYTES;
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

export type ServiceTokenVerifier = ReturnType<typeof createServiceTokenVerifier>;

/** Generates a P-256 key pair for service tokens; keyId is the RFC 7638 JWK thumbprint. */
export function generateServiceKeyPair(): { privateKeyPem: string; publicJwk: Record<string, string>; keyId: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { crv: string; kty: string; x: string; y: string };
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const keyId = crypto.createHash('sha256').update(canonical).digest('base64url');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: keyId, alg: 'ES256', use: 'sig' },
    keyId,
  };
}
