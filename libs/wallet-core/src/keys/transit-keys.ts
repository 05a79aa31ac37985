import type { TenantUsage } from '../quota/tenant-usage';
import { createPublicKey, randomUUID } from 'node:crypto';
import { AppError } from '@secret-flows/contracts';
import type { TransitApi, TransitKey } from '@secret-flows/vault-client';
import { isVaultResponseStatus } from './vault-status';
import { notFound, toDomainError } from '../errors';
import { mapLimited } from '../map-limited';
import { parseKeyId, type KeyId, type TenantId } from '../names';
import type { TenantKv } from '../tenant-kv';
import type { TenantPaths } from '../tenant-paths';
import { toIsoTimestamp } from '../time';
import {
  algorithmOf,
  didKeyFromPublicJwk,
  isKeyType,
  toPublicJwk,
  type KeyType,
  type PublicJwk,
} from './key-material';
import type { PublicKeyInfo, Signature, TenantKeys } from './tenant-keys';

/** Where a key's private half lives (docs/adr/0015-key-custody-modes.md). */
export type KeyCustody = 'vault-transit' | 'wallet';

export interface KeyVersionInfo {
  version: number;
  publicKeyJwk: PublicJwk;
  createdAt: string;
}

/** A key as callers see it, with its custody; vault-transit keys list their versions. */
export interface CustodyKeyInfo extends PublicKeyInfo {
  custody: KeyCustody;
  versions?: KeyVersionInfo[];
}

export interface CustodySignature extends Signature {
  keyVersion?: number;
}

/** The keys of one tenant in both custody modes. */
export interface CustodyKeys {
  create(type: KeyType, custody?: KeyCustody): Promise<CustodyKeyInfo>;
  list(): Promise<CustodyKeyInfo[]>;
  get(id: string): Promise<CustodyKeyInfo>;
  delete(id: string): Promise<void>;
  sign(id: string, payload: Buffer): Promise<CustodySignature>;
  /** vault-transit keys only: a new version signs from now on, older ones still verify. */
  rotate(id: string): Promise<CustodyKeyInfo>;
}

/** What deletes Transit keys: the wallet's own (provisioner) client, never a tenant token. */
export type TransitAdmin = Pick<
  TransitApi,
  'configureKey' | 'deleteKey' | 'listKeys'
>;

export interface TransitCustodyOptions {
  /** Transit mount, e.g. `transit`. */
  mount: string;
  /** Deletion (deletion_allowed, then delete) and offboarding; see wallet-provisioner.hcl. */
  admin: TransitAdmin;
}

const TRANSIT_TYPES: Partial<Record<KeyType, 'ed25519' | 'ecdsa-p256'>> = {
  Ed25519: 'ed25519',
  'P-256': 'ecdsa-p256',
};

/**
 * The Transit key name of a tenant key: `tenant-<tenantId>__<keyId>`. The templated policies
 * grant `transit/.../tenant-<tenant>__*`; a Vault policy glob is a plain prefix, so the name must
 * make one tenant's prefix never a prefix of another tenant's key. Key ids are UUIDs (no `_`),
 * hence: the prefix of tenant A matches a key of tenant B only if B's id contains `__` or ends
 * with `_` — such tenants cannot have Transit keys ({@link transitEligible}).
 */
export function transitKeyName(tenantId: TenantId, keyId: KeyId): string {
  return `tenant-${tenantId}__${keyId}`;
}

/** True when the tenant id keeps the Transit name prefix unambiguous (see {@link transitKeyName}). */
export function transitEligible(tenantId: string): boolean {
  return !tenantId.includes('__') && !tenantId.endsWith('_');
}

/** The tenant's Transit key names among a mount's key list (offboarding). */
export function tenantTransitKeys(
  tenantId: TenantId,
  names: string[],
): string[] {
  const prefix = `tenant-${tenantId}__`;
  return names.filter(
    (name) =>
      name.startsWith(prefix) &&
      parseKeyId(name.slice(prefix.length)).ok &&
      name.slice(prefix.length) === name.slice(prefix.length).toLowerCase(),
  );
}

/** Deletes the given Transit keys with the admin client: deletion_allowed first, as Vault requires. */
export async function deleteTransitKeys(
  admin: TransitAdmin,
  names: string[],
  concurrency: number,
): Promise<void> {
  await mapLimited(names, concurrency, async (name) => {
    try {
      await admin.configureKey(name, { deletionAllowed: true });
      await admin.deleteKey(name);
    } catch (err) {
      // Already gone (a retry, or a concurrent delete): Vault says so with a 400.
      if (
        !isVaultResponseStatus(err, 400, 'could not delete key; not found') &&
        !isVaultResponseStatus(err, 400, 'no existing key named')
      )
        throw err;
    }
  });
}

export interface CustodyKeysOptions {
  tenantId: TenantId;
  kv: TenantKv;
  paths: TenantPaths;
  /** Today's KV-backed keys (custody `wallet`). */
  walletKeys: TenantKeys;
  /** Transit on the same credential as `kv` (tenant token in phase 4); absent = custody disabled. */
  transit?: TransitApi;
  admin?: TransitAdmin;
  retryAfterSeconds: number;
  listConcurrency: number;
  /** The tenant's key quota (ADR 0009), shared with the wallet keys; none when absent. */
  usage?: TenantUsage;
}

interface TransitRecord {
  type: KeyType;
  transitKey: string;
}

/**
 * Keys in both custody modes. A vault-transit key is a Transit key (private half only inside
 * Vault) plus a KV record `tenants/<t>/transit-keys/<id>` naming it; no Vault answer the wallet
 * receives for it carries private material.
 * @example await createCustodyKeys({ tenantId, kv, paths, walletKeys, transit, admin, retryAfterSeconds: 2, listConcurrency: 8 }).create('Ed25519')
 */
export function createCustodyKeys(options: CustodyKeysOptions): CustodyKeys {
  const { kv, paths, walletKeys, transit, tenantId } = options;
  const folder = `${paths.root}/transit-keys`;
  const recordPath = (id: KeyId) => `${folder}/${id}`;
  const fail = (err: unknown) =>
    toDomainError(err, {
      conflict: 'A key with this id already exists.',
      retryAfterSeconds: options.retryAfterSeconds,
    });
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw fail(err);
    }
  };

  async function readRecord(
    id: KeyId,
  ): Promise<{ record: TransitRecord; createdAt: string } | undefined> {
    const secret = await kv.read(recordPath(id));
    if (secret?.data == null) return undefined;
    const { type, transitKey } = secret.data;
    if (!isKeyType(type) || typeof transitKey !== 'string')
      throw new AppError('internal', 'A stored key is malformed.');
    return {
      record: { type, transitKey },
      createdAt: toIsoTimestamp(secret.metadata.createdTime),
    };
  }

  async function transitInfo(
    id: KeyId,
    record: TransitRecord,
    createdAt: string,
    key?: TransitKey,
  ): Promise<CustodyKeyInfo | undefined> {
    if (!transit)
      throw new AppError(
        'internal',
        'This key is held by Vault Transit, which this deployment has not enabled.',
      );
    // Older Vault versions answer key creation and rotation with 204 and no key body.
    const hasVersions =
      key !== undefined && Object.keys(key.keys ?? {}).length > 0;
    const found = hasVersions ? key : await transit.readKey(record.transitKey);
    if (!found) return undefined;
    const versions = versionsOf(record.type, found);
    const latest = versions[versions.length - 1];
    return {
      id,
      type: record.type,
      did: didKeyFromPublicJwk(record.type, latest.publicKeyJwk),
      publicKeyJwk: latest.publicKeyJwk,
      createdAt,
      custody: 'vault-transit',
      versions,
    };
  }

  async function findTransit(
    rawId: string,
  ): Promise<
    { id: KeyId; record: TransitRecord; createdAt: string } | undefined
  > {
    const parsed = parseKeyId(rawId);
    if (!parsed.ok) return undefined; // walletKeys answers with the validation error
    const found = await guard(() => readRecord(parsed.value));
    return found && { id: parsed.value, ...found };
  }

  const asWallet = (key: PublicKeyInfo): CustodyKeyInfo => ({
    ...key,
    custody: 'wallet',
  });

  return {
    async create(type, custody) {
      if (!isKeyType(type))
        throw new AppError('validation_failed', 'Unknown key type.');
      const transitType = TRANSIT_TYPES[type];
      const usable = transit !== undefined && transitEligible(tenantId);
      const chosen =
        custody ?? (transitType && usable ? 'vault-transit' : 'wallet');
      if (chosen === 'wallet') return asWallet(await walletKeys.create(type));
      if (!transitType)
        throw custodyRefused(
          'secp256k1 keys cannot have vault-transit custody: Vault Transit has no secp256k1 key type.',
        );
      if (!transit)
        throw custodyRefused(
          'vault-transit custody is not enabled in this deployment.',
        );
      if (!usable)
        throw custodyRefused(
          'vault-transit custody needs a tenant id without "__" and not ending in "_".',
        );
      const id = randomUUID() as KeyId;
      const name = transitKeyName(tenantId, id);
      if (options.usage)
        await options.usage
          .check({ keys: 1 })
          .catch((err: unknown) => Promise.reject(fail(err)));
      return guard(async () => {
        // Exportable and plaintext backup stay off (Vault's defaults, and the policies forbid them).
        const key = await transit.createKey(name, { type: transitType });
        const written = await kv.write(
          recordPath(id),
          { type, transitKey: name, custody: 'vault-transit' },
          { cas: 0 },
        );
        await options.usage?.record({ keys: 1 }).catch(() => undefined);
        return (await transitInfo(
          id,
          { type, transitKey: name },
          toIsoTimestamp(written.createdTime),
          key,
        )) as CustodyKeyInfo;
      });
    },

    async list() {
      const [inWallet, names] = await Promise.all([
        walletKeys.list(),
        guard(() => kv.list(folder)),
      ]);
      const ids = names.flatMap((name) => {
        const parsed = parseKeyId(name);
        return parsed.ok && parsed.value === name ? [parsed.value] : [];
      });
      const held = await guard(() =>
        mapLimited(ids, options.listConcurrency, async (id) => {
          const found = await readRecord(id);
          return found && transit
            ? transitInfo(id, found.record, found.createdAt)
            : undefined;
        }),
      );
      return [
        ...inWallet.map(asWallet),
        ...held.filter((k): k is CustodyKeyInfo => k !== undefined),
      ].sort(
        (a, b) =>
          a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
    },

    async get(rawId) {
      const found = await findTransit(rawId);
      if (!found) return asWallet(await walletKeys.get(rawId));
      const info = await guard(() =>
        transitInfo(found.id, found.record, found.createdAt),
      );
      if (!info) throw notFound('Key');
      return info;
    },

    async delete(rawId) {
      const found = await findTransit(rawId);
      if (!found) return walletKeys.delete(rawId);
      if (!options.admin)
        throw new AppError(
          'internal',
          'Transit keys cannot be deleted without the wallet’s own Vault credential.',
        );
      const admin = options.admin;
      await guard(async () => {
        await deleteTransitKeys(admin, [found.record.transitKey], 1);
        await kv.deleteMetadata(recordPath(found.id));
      });
      await options.usage?.record({ keys: -1 }).catch(() => undefined);
    },

    async sign(rawId, payload) {
      const found = await findTransit(rawId);
      if (!found) return walletKeys.sign(rawId, payload);
      if (!transit)
        throw new AppError(
          'internal',
          'This key is held by Vault Transit, which this deployment has not enabled.',
        );
      const { type, transitKey } = found.record;
      // Ed25519: Vault signs the raw input (pure Ed25519, RFC 8032). P-256: SHA-256 of the input,
      // `marshaling_algorithm=jws` = raw r||s in base64url (RFC 7518 §3.4), as JWS needs.
      const opts =
        type === 'P-256'
          ? { hashAlgorithm: 'sha2-256', marshalingAlgorithm: 'jws' as const }
          : {};
      const result = await guard(async () => {
        try {
          return await transit.sign(transitKey, payload, opts);
        } catch (err) {
          if (isVaultResponseStatus(err, 400, 'key not found'))
            throw notFound('Key');
          throw err;
        }
      });
      const signature = jwsSignature(type, result.signature);
      return {
        alg: algorithmOf(type),
        signature: signature.toString('base64url'),
        keyVersion: result.keyVersion,
      };
    },

    async rotate(rawId) {
      const found = await findTransit(rawId);
      if (!found) {
        await walletKeys.get(rawId); // not_found / validation_failed first
        throw new AppError(
          'conflict',
          'Only vault-transit keys can be rotated; a wallet key is replaced by creating a new key.',
        );
      }
      const t = transit;
      if (!t)
        throw new AppError(
          'internal',
          'This key is held by Vault Transit, which this deployment has not enabled.',
        );
      return guard(async () => {
        const key = await t.rotateKey(found.record.transitKey);
        return (await transitInfo(
          found.id,
          found.record,
          found.createdAt,
          key,
        )) as CustodyKeyInfo;
      });
    },
  };
}

function custodyRefused(detail: string): AppError {
  return new AppError('validation_failed', detail, {
    errors: [{ path: 'custody', message: detail }],
  });
}

/** `vault:v<N>:<payload>` -> the 64 JWS signature bytes (Ed25519: std base64; ES256 jws: base64url). */
function jwsSignature(type: KeyType, vaultSignature: string): Buffer {
  const parts = vaultSignature.split(':');
  const bytes =
    parts.length === 3
      ? Buffer.from(parts[2], type === 'P-256' ? 'base64url' : 'base64')
      : Buffer.alloc(0);
  if (bytes.length !== 64)
    throw new AppError(
      'internal',
      'Vault Transit returned a signature of an unexpected shape.',
    );
  return bytes;
}

/** The public key of every version, oldest first, from the Transit key read. */
function versionsOf(type: KeyType, key: TransitKey): KeyVersionInfo[] {
  return Object.entries(key.keys)
    .map(([version, raw]) => {
      const entry = raw as { publicKey?: unknown; creationTime?: unknown };
      return {
        version: Number(version),
        publicKeyJwk: publicJwkOf(type, String(entry.publicKey ?? '')),
        createdAt: toIsoTimestamp(String(entry.creationTime ?? '')),
      };
    })
    .sort((a, b) => a.version - b.version);
}

/** Transit shows Ed25519 public keys as raw base64 and ECDSA ones as SPKI PEM. */
function publicJwkOf(type: KeyType, text: string): PublicJwk {
  if (type === 'Ed25519') {
    const raw = Buffer.from(text, 'base64');
    if (raw.length !== 32)
      throw new AppError(
        'internal',
        'Vault Transit returned a malformed public key.',
      );
    return { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') };
  }
  return toPublicJwk(createPublicKey(text).export({ format: 'jwk' }));
}
