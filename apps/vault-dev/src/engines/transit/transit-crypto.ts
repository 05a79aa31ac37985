/**
 * Transit's wire formats: `vault:v<N>:<base64>` ciphertexts and
 * signatures, AES-GCM / ChaCha20-Poly1305 as nonce || ciphertext || tag.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  randomBytes,
  sign,
  verify,
  type CipherGCMTypes,
  type KeyObject,
  type SignKeyObjectInput,
} from 'node:crypto';
import { VaultError } from '../../core/backend';
import {
  derToP1363,
  p1363ToDer,
  signDigest,
  supportsPrehashed,
  verifyDigest,
} from './ecdsa-digest';
import { privateKeyOf, type TransitKey } from './transit-keys';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function fail(message: string): never {
  throw new VaultError(400, [message]);
}

/** Splits `vault:v3:...`; `kind` picks Vault's error wording ("ciphertext" or "signature"). */
export function parseVersioned(
  value: string,
  kind: 'ciphertext' | 'signature',
): { version: number; payload: string } {
  if (!value.startsWith('vault:')) fail(`invalid ${kind}: no prefix`);
  const parts = value.split(':');
  if (parts.length !== 3) fail(`invalid ${kind}: wrong number of fields`);
  const version = /^v\d+$/.test(parts[1]) ? Number(parts[1].slice(1)) : NaN;
  if (!Number.isInteger(version) || version < 1)
    fail(`invalid ${kind}: version number could not be decoded`);
  return { version, payload: parts[2] };
}

/** Checks a version against the key's policy window (too new / too old). */
export function checkVersion(
  key: TransitKey,
  version: number,
  kind: 'ciphertext' | 'signature',
): void {
  if (version > key.latestVersion) fail(`invalid ${kind}: version is too new`);
  if (version < key.minDecryptionVersion)
    fail('ciphertext or signature version is disallowed by policy (too old)');
}

/**
 * The node cipher for a key type. ChaCha20-Poly1305 takes the same options as GCM at
 * runtime, but node's typings split them into overloads, hence the single cast.
 */
function cipherName(key: TransitKey): CipherGCMTypes {
  if (key.type === 'aes128-gcm96') return 'aes-128-gcm';
  return (
    key.type === 'chacha20-poly1305' ? 'chacha20-poly1305' : 'aes-256-gcm'
  ) as CipherGCMTypes;
}

/** Encrypts with one key version; returns `vault:v<N>:` + base64(nonce || ciphertext || tag). */
export function encryptWith(
  key: TransitKey,
  version: number,
  plaintext: Buffer,
  aad?: Buffer,
): string {
  const material = Buffer.from(
    key.versions[String(version)].material,
    'base64',
  );
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(cipherName(key), material, nonce, {
    authTagLength: TAG_BYTES,
  });
  if (aad) cipher.setAAD(aad, { plaintextLength: plaintext.length });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `vault:v${version}:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
}

export function decryptWith(
  key: TransitKey,
  version: number,
  payload: string,
  aad?: Buffer,
): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload))
    fail('invalid ciphertext: could not decode base64');
  const raw = Buffer.from(payload, 'base64');
  if (raw.length < NONCE_BYTES + TAG_BYTES)
    fail('invalid ciphertext: too short');
  const material = Buffer.from(
    key.versions[String(version)].material,
    'base64',
  );
  const decipher = createDecipheriv(
    cipherName(key),
    material,
    raw.subarray(0, NONCE_BYTES),
    { authTagLength: TAG_BYTES },
  );
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  if (aad)
    decipher.setAAD(aad, {
      plaintextLength: raw.length - NONCE_BYTES - TAG_BYTES,
    });
  try {
    return Buffer.concat([
      decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return fail('cipher: message authentication failed');
  }
}

export interface SignOptions {
  hash: string;
  /**
   * ECDSA: DER (`asn1`) or raw r||s (`jws`). For every key type it also picks the text
   * encoding: keysutil/policy.go SignWithOptions ends with "Convert to base64" — std base64 for
   * asn1, unpadded base64url (RawURLEncoding) for jws — and VerifySignatureWithOptions decodes
   * the same way before looking at the key type.
   */
  marshaling: 'asn1' | 'jws';
  /** RSA only. */
  rsaScheme: 'pss' | 'pkcs1v15';
  /** The input is already the digest (ECDSA / RSA); Ed25519 ignores hashing. */
  prehashed?: boolean;
}

const HASHES: Record<string, string> = {
  sha1: 'sha1',
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

export function hashName(value: string): string {
  // path_sign_verify.go: `keysutil.HashTypeMap[hashAlgorithmStr]` miss -> this text.
  return HASHES[value] ?? fail(`invalid hash algorithm "${value}"`);
}

function signingInput(
  key: TransitKey,
  keyObject: KeyObject,
  opts: SignOptions,
): { algorithm: string | null; key: SignKeyObjectInput } {
  if (key.type === 'ed25519')
    return { algorithm: null, key: { key: keyObject } };
  if (key.type.startsWith('ecdsa-'))
    return {
      algorithm: opts.hash,
      key: {
        key: keyObject,
        dsaEncoding: opts.marshaling === 'jws' ? 'ieee-p1363' : 'der',
      },
    };
  const pss = opts.rsaScheme === 'pss';
  return {
    algorithm: opts.hash,
    key: pss
      ? {
          key: keyObject,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
        }
      : { key: keyObject, padding: constants.RSA_PKCS1_PADDING },
  };
}

/** Signs `input` with one key version; the JWS marshaling is unpadded base64url like Vault's. */
export function signWith(
  key: TransitKey,
  version: number,
  input: Buffer,
  opts: SignOptions,
): string {
  const privateKey = privateKeyOf(key.versions[String(version)]);
  const { algorithm, key: signKey } = signingInput(key, privateKey, opts);
  const sig = usesDigest(key, opts)
    ? marshalDigestSignature(signDigest(privateKey, input), opts)
    : sign(algorithm, input, signKey);
  const encoded =
    opts.marshaling === 'jws'
      ? sig.toString('base64url')
      : sig.toString('base64');
  return `vault:v${version}:${encoded}`;
}

export function verifyWith(
  key: TransitKey,
  version: number,
  input: Buffer,
  payload: string,
  opts: SignOptions,
): boolean {
  const jws = opts.marshaling === 'jws';
  // Go's decoders are strict: StdEncoding needs the padding (length a multiple of 4),
  // RawURLEncoding refuses it (and a length of 4n+1 cannot encode any bytes).
  const valid = jws
    ? /^[A-Za-z0-9_-]*$/.test(payload) && payload.length % 4 !== 1
    : /^[A-Za-z0-9+/]*={0,2}$/.test(payload) && payload.length % 4 === 0;
  if (!valid) fail('invalid base64 signature value');
  const publicKey = createPublicKey(key.versions[String(version)].material);
  if (usesDigest(key, opts)) {
    const raw = Buffer.from(payload, jws ? 'base64url' : 'base64');
    const p1363 = jws ? raw : derToP1363(raw, coordinateBytes(key));
    return p1363 !== undefined && verifyDigest(publicKey, input, p1363);
  }
  const { algorithm, key: verifyKey } = signingInput(key, publicKey, opts);
  if (verifyKey.padding === constants.RSA_PKCS1_PSS_PADDING)
    verifyKey.saltLength = constants.RSA_PSS_SALTLEN_AUTO;
  try {
    return verify(
      algorithm,
      input,
      verifyKey,
      Buffer.from(payload, jws ? 'base64url' : 'base64'),
    );
  } catch {
    return false;
  }
}

/** ECDSA with `prehashed=true`: the input is the digest itself (see ecdsa-digest.ts). */
function usesDigest(key: TransitKey, opts: SignOptions): boolean {
  return opts.prehashed === true && key.type.startsWith('ecdsa-');
}

function coordinateBytes(key: TransitKey): number {
  return key.type === 'ecdsa-p384' ? 48 : key.type === 'ecdsa-p521' ? 66 : 32;
}

function marshalDigestSignature(p1363: Buffer, opts: SignOptions): Buffer {
  return opts.marshaling === 'jws' ? p1363 : p1363ToDer(p1363);
}

/** What vault-dev refuses instead of answering differently from Vault. */
export function checkPrehashedSupported(
  key: TransitKey,
  opts: SignOptions,
): void {
  if (!opts.prehashed) return;
  if (key.type === 'ed25519')
    fail(
      'prehashed input for ed25519 keys (Ed25519ph) is not implemented by vault-dev',
    );
  if (key.type.startsWith('rsa-'))
    fail('prehashed input for rsa keys is not implemented by vault-dev');
  if (!supportsPrehashed(key.type))
    fail(
      `prehashed input for ${key.type} keys is not implemented by vault-dev`,
    );
}
