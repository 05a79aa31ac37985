import * as crypto from 'node:crypto';
import { AuthError } from './auth-error';

/** Asymmetric JWS algorithms this library verifies; symmetric and `none` are never accepted. */
export type JwsAlgorithm = 'RS256' | 'ES256' | 'EdDSA';
export const SUPPORTED_ALGORITHMS: readonly JwsAlgorithm[] = [
  'RS256',
  'ES256',
  'EdDSA',
];

export interface VerificationKey {
  kid?: string;
  /** The JWK's own `alg`, when it pins one. */
  alg?: string;
  key: crypto.KeyObject;
}

const MIN_RSA_BITS = 2048;

/** True when `key` is the kind of key `alg` needs (RFC 7518 §3.1, RFC 8037 §3.1). */
export function isKeyCompatible(
  alg: JwsAlgorithm,
  key: crypto.KeyObject,
): boolean {
  const details = key.asymmetricKeyDetails ?? {};
  switch (alg) {
    case 'RS256':
      return (
        key.asymmetricKeyType === 'rsa' &&
        (details.modulusLength ?? 0) >= MIN_RSA_BITS
      );
    case 'ES256':
      return (
        key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1'
      );
    case 'EdDSA':
      return key.asymmetricKeyType === 'ed25519';
  }
}

/** Imports a public JWK; private members are refused so a misconfigured JWKS cannot leak them further. */
export function importPublicJwk(
  jwk: Record<string, unknown>,
): VerificationKey | undefined {
  if (jwk['d'] !== undefined || jwk['k'] !== undefined) return undefined;
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return undefined;
  try {
    const key = crypto.createPublicKey({
      key: jwk as crypto.JsonWebKey,
      format: 'jwk',
    });
    const out: VerificationKey = { key };
    if (typeof jwk['kid'] === 'string') out.kid = jwk['kid'];
    if (typeof jwk['alg'] === 'string') out.alg = jwk['alg'];
    return out;
  } catch {
    return undefined;
  }
}

/** Verifies a JWS signature with node:crypto (ES256 signatures are raw r||s, RFC 7518 §3.4). */
export function verifyJwsSignature(
  alg: JwsAlgorithm,
  key: crypto.KeyObject,
  signingInput: string,
  signature: Buffer,
): void {
  if (!isKeyCompatible(alg, key)) throw new AuthError('unsupported_alg');
  const data = Buffer.from(signingInput, 'ascii');
  let ok: boolean;
  try {
    if (alg === 'EdDSA') ok = crypto.verify(null, data, key, signature);
    else if (alg === 'ES256')
      ok =
        signature.length === 64 &&
        crypto.verify(
          'sha256',
          data,
          { key, dsaEncoding: 'ieee-p1363' },
          signature,
        );
    else ok = crypto.verify('sha256', data, key, signature);
  } catch (cause) {
    throw new AuthError('bad_signature', { cause });
  }
  if (!ok) throw new AuthError('bad_signature');
}
