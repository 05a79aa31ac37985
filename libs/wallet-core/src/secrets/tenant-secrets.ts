import { AppError, MAX_SECRET_VALUE_BYTES } from '@secret-flows/contracts';
import { invalidName, notFound, toDomainError } from '../errors';
import { parseSecretName, SECRET_NAME_MAX_SEGMENTS, type SecretName } from '../names';
import type { TenantKv } from '../tenant-kv';
import type { TenantPaths } from '../tenant-paths';
import { toIsoTimestamp } from '../time';
import { listTree } from '../list-tree';

export interface SecretValue {
  name: SecretName;
  value: string;
  version: number;
  createdAt: string;
}

export interface TenantSecrets {
  /** Writes a new version; with `cas` only if the current version is `cas` (0 = must not exist). */
  put(name: string, value: string, cas?: number): Promise<{ name: SecretName; version: number }>;
  get(name: string, version?: number): Promise<SecretValue>;
  list(): Promise<SecretName[]>;
  /** Destroys every version and the metadata (KV `DELETE metadata`). */
  delete(name: string): Promise<void>;
}

export interface TenantSecretsOptions {
  kv: TenantKv;
  paths: TenantPaths;
  retryAfterSeconds: number;
  listConcurrency: number;
}

/**
 * Generic secrets of one tenant, versioned by KV v2, stored as `{ value }` like Identus does.
 * @example await createTenantSecrets({ kv, paths, retryAfterSeconds: 2, listConcurrency: 8 }).put('db/password', 's3cret', 0)
 */
export function createTenantSecrets(options: TenantSecretsOptions): TenantSecrets {
  const { kv, paths } = options;
  const fail = (err: unknown) =>
    toDomainError(err, {
      conflict: 'The secret version does not match cas (it was changed, or already exists for cas 0).',
      retryAfterSeconds: options.retryAfterSeconds,
    });

  return {
    async put(rawName, value, cas) {
      const name = nameOrThrow(rawName);
      if (typeof value !== 'string' || Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES) {
        throw new AppError('validation_failed', `value must be a string of at most ${MAX_SECRET_VALUE_BYTES} bytes`);
      }
      if (cas !== undefined && (!Number.isSafeInteger(cas) || cas < 0)) {
        throw new AppError('validation_failed', 'cas must be a non-negative integer');
      }
      try {
        const written = await kv.write(paths.secret(name), { value }, cas === undefined ? {} : { cas });
        return { name, version: written.version };
      } catch (err) {
        throw fail(err);
      }
    },

    async get(rawName, version) {
      const name = nameOrThrow(rawName);
      if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) {
        throw new AppError('validation_failed', 'version must be a positive integer');
      }
      const secret = await kv.read(paths.secret(name), version === undefined ? {} : { version }).catch((err: unknown) => Promise.reject(fail(err)));
      // Absent, pruned, soft-deleted or destroyed versions all read as "not there".
      if (secret?.data == null) throw notFound(version === undefined ? 'Secret' : 'Secret version');
      const stored = secret.data.value;
      if (typeof stored !== 'string') throw new AppError('internal', 'A stored secret is malformed.');
      return { name, value: stored, version: secret.metadata.version, createdAt: toIsoTimestamp(secret.metadata.createdTime) };
    },

    async list() {
      try {
        const names = await listTree(kv, paths.secretsFolder, {
          maxDepth: SECRET_NAME_MAX_SEGMENTS,
          concurrency: options.listConcurrency,
        });
        return names.flatMap((n) => {
          const parsed = parseSecretName(n);
          return parsed.ok ? [parsed.value] : [];
        });
      } catch (err) {
        throw fail(err);
      }
    },

    async delete(rawName) {
      const name = nameOrThrow(rawName);
      try {
        if ((await kv.readMetadata(paths.secret(name))) === undefined) throw notFound('Secret');
        await kv.deleteMetadata(paths.secret(name));
      } catch (err) {
        throw fail(err);
      }
    },
  };
}

function nameOrThrow(raw: string): SecretName {
  const parsed = parseSecretName(raw);
  if (!parsed.ok) throw invalidName('name', parsed);
  return parsed.value;
}
