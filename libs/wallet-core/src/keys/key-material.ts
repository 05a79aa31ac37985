import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type JsonWebKey,
} from 'node:crypto';
import { base58btcEncode } from '../base58';

/** The key types a tenant can create (docs/architecture.md). */
export const KEY_TYPES = ['Ed25519', 'secp256k1', 'P-256'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
/** JWS `alg` of each key type (RFC 8037 EdDSA, RFC 8812 ES256K, RFC 7518 ES256). */
export type SignatureAlgorithm = 'EdDSA' | 'ES256K' | 'ES256';

/** A public JWK as returned to callers; never has a `d`. */
export interface PublicJwk {
  kty: 'OKP' | 'EC';
  crv: 'Ed25519' | 'secp256k1' | 'P-256';
  x: string;
  y?: string;
}

interface KeyTypeSpec {
  alg: SignatureAlgorithm;
  // Multicodec code as unsigned varint (multiformats table: ed25519-pub 0xed,
  // secp256k1-pub 0xe7, p256-pub 0x1200).
  multicodec: readonly number[];
  generate(): { privateJwk: JsonWebKey; publicJwk: JsonWebKey };
}

const SPECS: Record<KeyType, KeyTypeSpec> = {
  Ed25519: {
    alg: 'EdDSA',
    multicodec: [0xed, 0x01],
    generate: () => toJwks(generateKeyPairSync('ed25519')),
  },
  secp256k1: {
    alg: 'ES256K',
    multicodec: [0xe7, 0x01],
    generate: () =>
      toJwks(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })),
  },
  'P-256': {
    alg: 'ES256',
    multicodec: [0x80, 0x24],
    generate: () =>
      toJwks(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
  },
};

// secp256k1 group order; ECDSA signatures are normalised to s <= n/2 ("low S", BIP-62)
// because many ES256K verifiers outside node:crypto reject the high-S twin.
const SECP256K1_N = BigInt(
  '0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141',
);

/** True when `value` names one of {@link KEY_TYPES}. */
export function isKeyType(value: unknown): value is KeyType {
  return (
    typeof value === 'string' &&
    (KEY_TYPES as readonly string[]).includes(value)
  );
}

/** The JWS algorithm a key of this type signs with. */
export function algorithmOf(type: KeyType): SignatureAlgorithm {
  return SPECS[type].alg;
}

/**
 * Generates a fresh key pair of the given type as JWKs.
 * @example const { privateJwk, publicJwk } = generateKeyMaterial('Ed25519');
 */
export function generateKeyMaterial(type: KeyType): {
  privateJwk: JsonWebKey;
  publicJwk: PublicJwk;
} {
  const { privateJwk, publicJwk } = SPECS[type].generate();
  return { privateJwk, publicJwk: toPublicJwk(publicJwk) };
}

/**
 * Builds the did:key of a public key: multibase base58btc of multicodec prefix + key bytes
 * (raw 32 bytes for Ed25519, SEC1 compressed point for the EC curves).
 * @example didKeyFromPublicJwk('Ed25519', publicJwk) // 'did:key:z6Mk...'
 */
export function didKeyFromPublicJwk(
  type: KeyType,
  publicJwk: PublicJwk,
): string {
  const x = Buffer.from(publicJwk.x, 'base64url');
  let keyBytes: Buffer;
  if (type === 'Ed25519') {
    keyBytes = x;
  } else {
    const y = Buffer.from(publicJwk.y ?? '', 'base64url');
    keyBytes = Buffer.concat([
      Buffer.from([(y[y.length - 1] & 1) === 0 ? 0x02 : 0x03]),
      x,
    ]);
  }
  return `did:key:z${base58btcEncode(Buffer.concat([Buffer.from(SPECS[type].multicodec), keyBytes]))}`;
}

/**
 * Signs a raw payload with a private JWK and returns the JWS signature bytes
 * (Ed25519 per RFC 8032; ECDSA over SHA-256 as r||s, RFC 7518 §3.4).
 * @example signWithJwk('P-256', privateJwk, Buffer.from('hello'))
 */
export function signWithJwk(
  type: KeyType,
  privateJwk: JsonWebKey,
  payload: Buffer,
): Buffer {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  if (type === 'Ed25519') return sign(null, payload, key);
  const signature = sign('sha256', payload, { key, dsaEncoding: 'ieee-p1363' });
  return type === 'secp256k1' ? toLowS(signature) : signature;
}

function toLowS(signature: Buffer): Buffer {
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  if (s <= SECP256K1_N / 2n) return signature;
  const lowS = Buffer.from(
    (SECP256K1_N - s).toString(16).padStart(64, '0'),
    'hex',
  );
  return Buffer.concat([signature.subarray(0, 32), lowS]);
}

function toJwks(pair: {
  privateKey: import('node:crypto').KeyObject;
  publicKey: import('node:crypto').KeyObject;
}) {
  return {
    privateJwk: pair.privateKey.export({ format: 'jwk' }),
    publicJwk: pair.publicKey.export({ format: 'jwk' }),
  };
}

/** Keeps only the public members of a JWK, so a stored record can never leak `d`. */
export function toPublicJwk(jwk: JsonWebKey): PublicJwk {
  const publicJwk = createPublicKey({ key: jwk, format: 'jwk' }).export({
    format: 'jwk',
  });
  const { kty, crv, x, y } = publicJwk as PublicJwk;
  return y === undefined ? { kty, crv, x } : { kty, crv, x, y };
}
