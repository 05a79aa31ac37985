/**
 * Named OIDC signing keys (Vault docs: Identity secrets engine API): each has a current signing key, a
 * pre-published next key, and retired keys that stay verifiable until their
 * verification_ttl ends, so tokens issued before a rotation keep verifying.
 */
import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import type { CoreServices } from '../../core/backend';
import { generateSigningKey, publicJwk, type JwsAlgorithm } from '../jwt/jws';

export interface KeyVersion {
  kid: string;
  privatePem: string;
  publicJwk: JsonWebKey;
  /** 0 while the key signs or is next; otherwise the time it stops being published. */
  expireAtMs: number;
}

export interface NamedKey {
  name: string;
  algorithm: JwsAlgorithm;
  rotationPeriodS: number;
  verificationTtlS: number;
  allowedClientIds: string[];
  signing: KeyVersion;
  next: KeyVersion;
  retired: KeyVersion[];
  nextRotationMs: number;
}

async function newVersion(
  core: CoreServices,
  alg: JwsAlgorithm,
): Promise<KeyVersion> {
  const kid = core.uuid();
  const { privatePem, publicKey } = await generateSigningKey(alg);
  return {
    kid,
    privatePem,
    publicJwk: publicJwk(publicKey, kid, alg),
    expireAtMs: 0,
  };
}

/** Creates a named key with a fresh signing and next key. */
export async function createNamedKey(
  core: CoreServices,
  fields: Pick<
    NamedKey,
    | 'name'
    | 'algorithm'
    | 'rotationPeriodS'
    | 'verificationTtlS'
    | 'allowedClientIds'
  >,
): Promise<NamedKey> {
  const [signing, next] = await Promise.all([
    newVersion(core, fields.algorithm),
    newVersion(core, fields.algorithm),
  ]);
  return {
    ...fields,
    signing,
    next,
    retired: [],
    nextRotationMs: core.now() + fields.rotationPeriodS * 1000,
  };
}

/**
 * Rotates now: the next key signs, the old signing key is retired for
 * `verificationTtlS`, and a new next key is generated.
 */
export async function rotateKey(
  core: CoreServices,
  key: NamedKey,
  verificationTtlS = key.verificationTtlS,
): Promise<void> {
  const now = core.now();
  // Claimed before any await, so concurrent token requests that find the rotation due
  // do not rotate the ring a second time.
  key.nextRotationMs = now + key.rotationPeriodS * 1000;
  // An algorithm change takes effect at rotation: the pre-published next key may be of the old type.
  const promoted =
    key.next.publicJwk.alg === key.algorithm
      ? key.next
      : await newVersion(core, key.algorithm);
  key.retired.push({
    ...key.signing,
    expireAtMs: now + verificationTtlS * 1000,
  });
  key.signing = promoted;
  pruneRetired(key, now);
  const next = await newVersion(core, key.algorithm);
  // Until the new next key exists, `next` may still be the promoted key; publishing dedupes by kid.
  key.next = next;
}

/** Applies rotations that came due (checked lazily on use); returns true if anything changed. */
export async function rotateIfDue(
  core: CoreServices,
  key: NamedKey,
): Promise<boolean> {
  const now = core.now();
  let changed = pruneRetired(key, now);
  if (now >= key.nextRotationMs) {
    await rotateKey(core, key);
    changed = true;
  }
  return changed;
}

function pruneRetired(key: NamedKey, now: number): boolean {
  const before = key.retired.length;
  key.retired = key.retired.filter((v) => v.expireAtMs > now);
  return key.retired.length !== before;
}

/** Every public key a verifier may meet: signing, next and unexpired retired keys. */
export function publishedKeys(key: NamedKey, now: number): JsonWebKey[] {
  const versions = [
    key.signing,
    key.next,
    ...key.retired.filter((v) => v.expireAtMs > now),
  ];
  const seen = new Set<string>();
  return versions
    .filter((v) => !seen.has(v.kid) && seen.add(v.kid))
    .map((v) => v.publicJwk);
}

/** Finds the version with `kid` in a key ring, if it is still published. */
export function findVersion(
  key: NamedKey,
  kid: string,
  now: number,
): KeyVersion | undefined {
  return [
    key.signing,
    key.next,
    ...key.retired.filter((v) => v.expireAtMs > now),
  ].find((v) => v.kid === kid);
}

/**
 * Parsed private keys by kid. PEM parsing costs more than signing, and kids are
 * unique UUIDs, so entries never go stale; the map lives with one backend instance.
 */
export function createPrivateKeyCache(): (version: KeyVersion) => KeyObject {
  const cache = new Map<string, KeyObject>();
  return (version) => {
    let key = cache.get(version.kid);
    if (!key) {
      key = createPrivateKey(version.privatePem);
      cache.set(version.kid, key);
    }
    return key;
  };
}

export function publicKeyOf(version: KeyVersion) {
  return createPublicKey({ key: version.publicJwk, format: 'jwk' });
}
