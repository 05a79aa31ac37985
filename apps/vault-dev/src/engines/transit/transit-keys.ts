/**
 * Transit key rings: versioned key material, generated with
 * node:crypto, stored as base64 (symmetric) or PKCS#8 PEM (asymmetric).
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export type TransitKeyType =
  | 'aes256-gcm96'
  | 'aes128-gcm96'
  | 'chacha20-poly1305'
  | 'ed25519'
  | 'ecdsa-p256'
  | 'ecdsa-p384'
  | 'ecdsa-p521'
  | 'rsa-2048'
  | 'rsa-3072'
  | 'rsa-4096';

export const KEY_TYPES: TransitKeyType[] = [
  'aes256-gcm96',
  'aes128-gcm96',
  'chacha20-poly1305',
  'ed25519',
  'ecdsa-p256',
  'ecdsa-p384',
  'ecdsa-p521',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
];

export interface KeyVersion {
  /** base64 key bytes (symmetric) or PKCS#8 PEM (asymmetric). */
  material: string;
  creationMs: number;
}

export interface TransitKey {
  name: string;
  type: TransitKeyType;
  exportable: boolean;
  allowPlaintextBackup: boolean;
  deletionAllowed: boolean;
  autoRotatePeriodS: number;
  minDecryptionVersion: number;
  minEncryptionVersion: number;
  latestVersion: number;
  versions: Record<string, KeyVersion>;
}

export function isSymmetric(type: TransitKeyType): boolean {
  return (
    type === 'aes256-gcm96' ||
    type === 'aes128-gcm96' ||
    type === 'chacha20-poly1305'
  );
}

/** Generates fresh key material for a new version. */
export async function generateMaterial(type: TransitKeyType): Promise<string> {
  if (type === 'aes128-gcm96') return randomBytes(16).toString('base64');
  if (isSymmetric(type)) return randomBytes(32).toString('base64');
  const privateKey = await new Promise<KeyObject>((resolve, reject) => {
    const done = (err: Error | null, _pub: KeyObject, priv: KeyObject) =>
      err ? reject(err) : resolve(priv);
    if (type === 'ed25519') generateKeyPair('ed25519', {}, done);
    else if (type.startsWith('ecdsa-'))
      generateKeyPair(
        'ec',
        {
          namedCurve: {
            'ecdsa-p256': 'prime256v1',
            'ecdsa-p384': 'secp384r1',
            'ecdsa-p521': 'secp521r1',
          }[type as 'ecdsa-p256'],
        },
        done,
      );
    else generateKeyPair('rsa', { modulusLength: Number(type.slice(4)) }, done);
  });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Adds the next version; the caller persists. */
export async function rotate(key: TransitKey, nowMs: number): Promise<void> {
  const next = key.latestVersion + 1;
  key.versions[String(next)] = {
    material: await generateMaterial(key.type),
    creationMs: nowMs,
  };
  key.latestVersion = next;
}

export function privateKeyOf(version: KeyVersion): KeyObject {
  return createPrivateKey(version.material);
}

/** The public key as Vault shows it: raw base64 for Ed25519, SPKI PEM otherwise. */
export function publicKeyText(
  type: TransitKeyType,
  version: KeyVersion,
): string {
  const pub = createPublicKey(version.material);
  if (type === 'ed25519')
    return Buffer.from(
      String(pub.export({ format: 'jwk' }).x),
      'base64url',
    ).toString('base64');
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** The key-read body (`GET transit/keys/:name`). */
export function keyBody(key: TransitKey): Record<string, unknown> {
  const symmetric = isSymmetric(key.type);
  const keys: Record<string, unknown> = {};
  for (const [v, version] of Object.entries(key.versions)) {
    keys[v] = symmetric
      ? Math.floor(version.creationMs / 1000)
      : {
          name:
            key.type === 'ed25519'
              ? 'ed25519'
              : key.type.startsWith('ecdsa-')
                ? `P-${key.type.slice(7)}`
                : key.type,
          public_key: publicKeyText(key.type, version),
          certificate_chain: '',
          creation_time: new Date(version.creationMs).toISOString(),
        };
  }
  return {
    name: key.name,
    type: key.type,
    derived: false,
    deletion_allowed: key.deletionAllowed,
    exportable: key.exportable,
    allow_plaintext_backup: key.allowPlaintextBackup,
    latest_version: key.latestVersion,
    min_available_version: 0,
    min_decryption_version: key.minDecryptionVersion,
    min_encryption_version: key.minEncryptionVersion,
    supports_encryption: symmetric,
    supports_decryption: symmetric,
    supports_signing: !symmetric,
    supports_derivation: symmetric || key.type === 'ed25519',
    auto_rotate_period: key.autoRotatePeriodS,
    imported_key: false,
    keys,
  };
}
