import * as crypto from 'node:crypto';
import { sign as signJws } from 'jsonwebtoken';
import {
  MAX_SERVICE_TTL_SECONDS,
  SCOPE_PATTERN,
  type ServiceTokenExtraClaims,
} from './service-token-claims';

// A cached token is re-signed when less than this is left, so that it cannot expire in flight.
const RESIGN_MARGIN_SECONDS = 10;

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
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds <= RESIGN_MARGIN_SECONDS ||
    ttlSeconds > MAX_SERVICE_TTL_SECONDS
  ) {
    throw new RangeError(
      `ttlSeconds must be an integer above ${RESIGN_MARGIN_SECONDS} and at most ${MAX_SERVICE_TTL_SECONDS}`,
    );
  }
  if (!options.keyId) throw new TypeError('keyId is required');
  const privateKey = crypto.createPrivateKey(options.privateKeyPem);
  if (
    privateKey.asymmetricKeyType !== 'ec' ||
    privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
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
    return signJws(claims, privateKey, {
      algorithm: 'ES256',
      keyid: options.keyId,
    });
  }

  return {
    /** Returns a valid service token; without a request id, a cached one (per scope) is reused until 10 s before expiry. */
    sign(extra: ServiceTokenExtraClaims = {}): string {
      const nowSeconds = Math.floor(clock() / 1000);
      if (extra.scope !== undefined && !SCOPE_PATTERN.test(extra.scope))
        throw new TypeError('scope must be space-separated tokens');
      if (extra.requestId !== undefined) return signNow(nowSeconds, extra);
      const key = extra.scope ?? '';
      const hit = cached.get(key);
      if (hit && hit.exp - nowSeconds >= RESIGN_MARGIN_SECONDS)
        return hit.token;
      const token = signNow(nowSeconds, extra);
      cached.set(key, { token, exp: nowSeconds + ttlSeconds });
      return token;
    },
  };
}

export type ServiceTokenSigner = ReturnType<typeof createServiceTokenSigner>;

/** Generates a P-256 key pair for service tokens; keyId is the RFC 7638 JWK thumbprint. */
export function generateServiceKeyPair(): {
  privateKeyPem: string;
  publicJwk: Record<string, string>;
  keyId: string;
} {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'P-256',
  });
  const jwk = publicKey.export({ format: 'jwk' }) as {
    crv: string;
    kty: string;
    x: string;
    y: string;
  };
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  const canonical = JSON.stringify({
    crv: jwk.crv,
    kty: jwk.kty,
    x: jwk.x,
    y: jwk.y,
  });
  const keyId = crypto
    .createHash('sha256')
    .update(canonical)
    .digest('base64url');
  return {
    privateKeyPem: privateKey
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
    publicJwk: {
      kty: jwk.kty,
      crv: jwk.crv,
      x: jwk.x,
      y: jwk.y,
      kid: keyId,
      alg: 'ES256',
      use: 'sig',
    },
    keyId,
  };
}
