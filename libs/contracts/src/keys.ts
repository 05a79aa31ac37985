import { z } from 'zod';
import { BASE64URL_PATTERN, TimestampSchema } from './common';

/** The key types the wallet can generate (docs/architecture.md, "Data in Vault"). */
export const KEY_TYPES = ['Ed25519', 'secp256k1', 'P-256'] as const;
export const KeyTypeSchema = z.enum(KEY_TYPES);
export type KeyType = z.infer<typeof KeyTypeSchema>;

/** JWS algorithms, one per key type (RFC 8037, RFC 8812, RFC 7518). */
export const SIGNING_ALGS = ['EdDSA', 'ES256K', 'ES256'] as const;
export const SigningAlgSchema = z.enum(SIGNING_ALGS);
export type SigningAlg = z.infer<typeof SigningAlgSchema>;

/** The algorithm a key of each type signs with. */
export const SIGNING_ALG_BY_KEY_TYPE: Readonly<Record<KeyType, SigningAlg>> =
  Object.freeze({
    Ed25519: 'EdDSA',
    secp256k1: 'ES256K',
    'P-256': 'ES256',
  });

export const KeyIdSchema = z.uuid().describe('Key id (UUID)');
export type KeyId = z.infer<typeof KeyIdSchema>;

const b64url = (what: string) =>
  z.string().min(1).regex(BASE64URL_PATTERN, `${what} must be base64url`);

/** A public JWK: OKP (Ed25519) or EC (secp256k1, P-256); never carries `d`. */
export const PublicJwkSchema = z.union([
  z.strictObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: b64url('x'),
  }),
  z.strictObject({
    kty: z.literal('EC'),
    crv: z.enum(['secp256k1', 'P-256']),
    x: b64url('x'),
    y: b64url('y'),
  }),
]);
export type PublicJwk = z.infer<typeof PublicJwkSchema>;

export const CreateKeyRequestSchema = z.strictObject({ type: KeyTypeSchema });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequestSchema>;

export const KeySchema = z.object({
  id: KeyIdSchema,
  type: KeyTypeSchema,
  did: z.string().startsWith('did:'),
  publicKeyJwk: PublicJwkSchema,
  createdAt: TimestampSchema,
});
export type Key = z.infer<typeof KeySchema>;

export const KeyListSchema = z.object({ keys: z.array(KeySchema) });
export type KeyList = z.infer<typeof KeyListSchema>;

/** Largest payload a sign request may carry, in bytes before encoding. */
export const MAX_SIGN_PAYLOAD_BYTES = 64 * 1024;
/** base64url length of MAX_SIGN_PAYLOAD_BYTES (4 characters per 3 bytes, no padding). */
export const MAX_SIGN_PAYLOAD_CHARS = Math.ceil(
  (MAX_SIGN_PAYLOAD_BYTES * 4) / 3,
);

export const SignRequestSchema = z.strictObject({
  payload: z
    .string()
    .min(1, 'payload must not be empty')
    .max(
      MAX_SIGN_PAYLOAD_CHARS,
      `payload must be at most ${MAX_SIGN_PAYLOAD_BYTES} bytes`,
    )
    .regex(BASE64URL_PATTERN, 'payload must be base64url without padding')
    // A base64url string of length 4n+1 cannot be produced by any byte sequence.
    .refine(
      (value) => value.length % 4 !== 1,
      'payload is not valid base64url',
    ),
});
export type SignRequest = z.infer<typeof SignRequestSchema>;

export const SignResponseSchema = z.object({
  alg: SigningAlgSchema,
  signature: b64url('signature'),
});
export type SignResponse = z.infer<typeof SignResponseSchema>;

export const KeyIdParamsSchema = z.object({ id: KeyIdSchema });
