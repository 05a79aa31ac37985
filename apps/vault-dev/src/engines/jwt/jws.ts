/**
 * Compact JWS signing and verification with node:crypto only, for the identity
 * token issuer and the JWT auth method (RFC 7515/7518, EdDSA per RFC 8037).
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
  type SignKeyObjectInput,
} from 'node:crypto';

export type JwsAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

interface AlgSpec {
  hash: string | null;
  keyType: 'rsa' | 'ec' | 'ed25519';
  pss?: boolean;
  curve?: string;
}

const ALGS: Record<JwsAlgorithm, AlgSpec> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  PS384: { hash: 'sha384', keyType: 'rsa', pss: true },
  PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1' },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1' },
  ES512: { hash: 'sha512', keyType: 'ec', curve: 'secp521r1' },
  EdDSA: { hash: null, keyType: 'ed25519' },
};

export const JWS_ALGORITHMS = Object.keys(ALGS) as JwsAlgorithm[];

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return (
    typeof value === 'string' &&
    Object.prototype.hasOwnProperty.call(ALGS, value)
  );
}

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and JSON-decodes a compact JWS; throws an Error with a short reason when malformed. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed token: expected 3 parts');
  const [h, p, s] = parts;
  const b64url = /^[A-Za-z0-9_-]*$/;
  if (!b64url.test(h) || !b64url.test(p) || !b64url.test(s))
    throw new Error('malformed token: invalid base64url');
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    throw new Error('malformed token: invalid JSON');
  }
  if (!isObject(header) || !isObject(payload))
    throw new Error('malformed token: header and payload must be JSON objects');
  return {
    header,
    payload,
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

/** Signs claims as a compact JWS with the given algorithm and key id. */
export function signJws(
  alg: JwsAlgorithm,
  kid: string,
  claims: Record<string, unknown>,
  privateKey: KeyObject | string,
): string {
  const spec = ALGS[alg];
  const signingInput = `${base64url(JSON.stringify({ alg, kid }))}.${base64url(JSON.stringify(claims))}`;
  const key =
    typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const signature = sign(
    spec.hash,
    Buffer.from(signingInput),
    keyOptions(spec, key),
  );
  return `${signingInput}.${base64url(signature)}`;
}

/** True when `signature` over `signingInput` verifies with `publicKey` under `alg`; false on any mismatch. */
export function verifyJwsSignature(
  alg: JwsAlgorithm,
  decoded: DecodedJws,
  publicKey: KeyObject,
): boolean {
  const spec = ALGS[alg];
  if (!keyMatches(spec, publicKey)) return false;
  try {
    return verify(
      spec.hash,
      Buffer.from(decoded.signingInput),
      keyOptions(spec, publicKey),
      decoded.signature,
    );
  } catch {
    return false;
  }
}

/** Generates a key pair suitable for `alg` (RSA 2048, P-256/384/521, Ed25519). */
export async function generateSigningKey(
  alg: JwsAlgorithm,
): Promise<{ privatePem: string; publicKey: KeyObject }> {
  const spec = ALGS[alg];
  const { privateKey, publicKey } = await new Promise<{
    privateKey: KeyObject;
    publicKey: KeyObject;
  }>((resolve, reject) => {
    const done = (err: Error | null, pub: KeyObject, priv: KeyObject) =>
      err ? reject(err) : resolve({ publicKey: pub, privateKey: priv });
    if (spec.keyType === 'rsa')
      generateKeyPair('rsa', { modulusLength: 2048 }, done);
    else if (spec.keyType === 'ec')
      generateKeyPair('ec', { namedCurve: spec.curve ?? 'prime256v1' }, done);
    else generateKeyPair('ed25519', {}, done);
  });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
  };
}

/** The public JWK as a JWKS lists it (`use`, `kid`, `alg` plus the key material). */
export function publicJwk(
  publicKey: KeyObject,
  kid: string,
  alg: JwsAlgorithm,
): JsonWebKey {
  return { use: 'sig', kid, alg, ...publicKey.export({ format: 'jwk' }) };
}

/** Imports a JWK from a JWKS as a public KeyObject, or undefined when unusable. */
export function importJwk(jwk: JsonWebKey): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return key.type === 'public' ? key : undefined;
  } catch {
    return undefined;
  }
}

function keyOptions(spec: AlgSpec, key: KeyObject): SignKeyObjectInput {
  // PS* use PSS with a salt as long as the hash (RFC 7518 §3.5); ES* signatures are raw r||s, not DER.
  if (spec.pss)
    return {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(spec.hash?.slice(3)) / 8,
    };
  if (spec.keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' };
  return { key };
}

function keyMatches(spec: AlgSpec, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (spec.keyType === 'rsa') return type === 'rsa' || type === 'rsa-pss';
  if (spec.keyType === 'ed25519') return type === 'ed25519';
  return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === spec.curve;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
