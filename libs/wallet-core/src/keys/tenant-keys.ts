import type { TenantUsage } from '../quota/tenant-usage';
import { randomUUID, type JsonWebKey } from 'node:crypto';
import { AppError } from '@secret-flows/contracts';
import { invalidName, notFound, toDomainError } from '../errors';
import { parseKeyId, type KeyId } from '../names';
import type { TenantKv } from '../tenant-kv';
import type { TenantPaths } from '../tenant-paths';
import { toIsoTimestamp } from '../time';
import { mapLimited } from '../map-limited';
import {
  algorithmOf,
  didKeyFromPublicJwk,
  generateKeyMaterial,
  isKeyType,
  signWithJwk,
  toPublicJwk,
  type KeyType,
  type PublicJwk,
  type SignatureAlgorithm,
} from './key-material';

/** A key as callers see it: public material only. */
export interface PublicKeyInfo {
  id: KeyId;
  type: KeyType;
  did: string;
  publicKeyJwk: PublicJwk;
  createdAt: string;
}

export interface Signature {
  alg: SignatureAlgorithm;
  /** base64url, JWS signature encoding. */
  signature: string;
}

export interface TenantKeys {
  create(type: KeyType): Promise<PublicKeyInfo>;
  list(): Promise<PublicKeyInfo[]>;
  get(id: string): Promise<PublicKeyInfo>;
  delete(id: string): Promise<void>;
  sign(id: string, payload: Buffer): Promise<Signature>;
}

// What one KV entry at tenants/<t>/keys/<id> holds. The public half is stored too so that
// reading a key's metadata never needs to parse the private JWK.
interface StoredKey {
  type: KeyType;
  did: string;
  publicJwk: PublicJwk;
  privateJwk: JsonWebKey;
}

export interface TenantKeysOptions {
  kv: TenantKv;
  paths: TenantPaths;
  retryAfterSeconds: number;
  listConcurrency: number;
  /** The tenant's quotas; none when absent. */
  usage?: TenantUsage;
}

/**
 * The keys of one tenant: generation, listing, deletion and signing; private JWKs never leave.
 * @example await createTenantKeys({ kv, paths, retryAfterSeconds: 2, listConcurrency: 8 }).create('Ed25519')
 */
export function createTenantKeys(options: TenantKeysOptions): TenantKeys {
  const { kv, paths } = options;
  const fail = (err: unknown) =>
    toDomainError(err, {
      conflict: 'A key with this id already exists.',
      retryAfterSeconds: options.retryAfterSeconds,
    });

  async function readKey(
    id: KeyId,
  ): Promise<{ key: StoredKey; createdAt: string } | undefined> {
    const secret = await kv
      .read(paths.key(id))
      .catch((err: unknown) => Promise.reject(fail(err)));
    if (secret?.data == null) return undefined;
    return {
      key: toStoredKey(secret.data),
      createdAt: toIsoTimestamp(secret.metadata.createdTime),
    };
  }

  async function mustRead(
    rawId: string,
  ): Promise<{ id: KeyId; key: StoredKey; createdAt: string }> {
    const id = keyIdOrThrow(rawId);
    const found = await readKey(id);
    if (!found) throw notFound('Key');
    return { id, ...found };
  }

  return {
    async create(type) {
      if (!isKeyType(type))
        throw new AppError('validation_failed', 'Unknown key type.');
      if (options.usage)
        await options.usage
          .check({ keys: 1 })
          .catch((err: unknown) => Promise.reject(fail(err)));
      const id = randomUUID() as KeyId;
      const { privateJwk, publicJwk } = generateKeyMaterial(type);
      const stored: StoredKey = {
        type,
        did: didKeyFromPublicJwk(type, publicJwk),
        publicJwk,
        privateJwk,
      };
      // cas 0: a key id is written once; an overwrite would silently replace someone's key.
      const written = await kv
        .write(paths.key(id), { ...stored }, { cas: 0 })
        .catch((err: unknown) => Promise.reject(fail(err)));
      await options.usage?.record({ keys: 1 }).catch(() => undefined);
      return toPublic(id, stored, toIsoTimestamp(written.createdTime));
    },

    async list() {
      const names = await kv
        .list(paths.keysFolder)
        .catch((err: unknown) => Promise.reject(fail(err)));
      const ids = names.flatMap((name) => {
        const parsed = parseKeyId(name);
        return parsed.ok && parsed.value === name ? [parsed.value] : [];
      });
      const keys = await mapLimited(
        ids,
        options.listConcurrency,
        async (id) => {
          const found = await readKey(id);
          // Deleted between LIST and READ: simply no longer there.
          return found ? toPublic(id, found.key, found.createdAt) : undefined;
        },
      );
      return keys
        .filter((key): key is PublicKeyInfo => key !== undefined)
        .sort(
          (a, b) =>
            a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
        );
    },

    async get(rawId) {
      const { id, key, createdAt } = await mustRead(rawId);
      return toPublic(id, key, createdAt);
    },

    async delete(rawId) {
      const id = keyIdOrThrow(rawId);
      try {
        if ((await kv.readMetadata(paths.key(id))) === undefined)
          throw notFound('Key');
        await kv.deleteMetadata(paths.key(id));
        await options.usage?.record({ keys: -1 }).catch(() => undefined);
      } catch (err) {
        throw fail(err);
      }
    },

    async sign(rawId, payload) {
      // The private JWK lives in this frame only for the duration of one signature.
      const { key } = await mustRead(rawId);
      const signature = signWithJwk(key.type, key.privateJwk, payload);
      return {
        alg: algorithmOf(key.type),
        signature: signature.toString('base64url'),
      };
    },
  };
}

function keyIdOrThrow(rawId: string): KeyId {
  const parsed = parseKeyId(rawId);
  if (!parsed.ok) throw invalidName('id', parsed);
  return parsed.value;
}

function toStoredKey(data: Record<string, unknown>): StoredKey {
  const { type, did, publicJwk, privateJwk } = data;
  if (
    !isKeyType(type) ||
    typeof did !== 'string' ||
    typeof publicJwk !== 'object' ||
    typeof privateJwk !== 'object'
  ) {
    throw new AppError('internal', 'A stored key is malformed.');
  }
  return {
    type,
    did,
    publicJwk: publicJwk as PublicJwk,
    privateJwk: privateJwk as JsonWebKey,
  };
}

function toPublic(id: KeyId, key: StoredKey, createdAt: string): PublicKeyInfo {
  // Re-derive from the stored public JWK so that a record can never leak a `d` member.
  return {
    id,
    type: key.type,
    did: key.did,
    publicKeyJwk: toPublicJwk({ ...key.publicJwk }),
    createdAt,
  };
}
