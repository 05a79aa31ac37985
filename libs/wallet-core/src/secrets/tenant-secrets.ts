import {
  AppError,
  DEFAULT_SECRET_LIST_LIMIT,
  MAX_SECRET_LIST_LIMIT,
  MAX_SECRET_VALUE_BYTES,
} from '@secret-flows/contracts';
import { invalidName, notFound, toDomainError } from '../errors';
import {
  parseSecretName,
  SECRET_NAME_MAX_SEGMENTS,
  type SecretName,
} from '../names';
import type { TenantKv } from '../tenant-kv';
import type { TenantPaths } from '../tenant-paths';
import { toIsoTimestamp } from '../time';
import { listPage } from '../list-page';
import type { TenantUsage } from '../quota/tenant-usage';

export interface SecretValue {
  name: SecretName;
  value: string;
  version: number;
  createdAt: string;
}

export interface TenantSecrets {
  /** Writes a new version; with `cas` only if the current version is `cas` (0 = must not exist). */
  put(
    name: string,
    value: string,
    cas?: number,
  ): Promise<{ name: SecretName; version: number }>;
  get(name: string, version?: number): Promise<SecretValue>;
  /**
   * One page of names in lexicographic order; `next` (opaque) resumes after it. A page costs at
   * most `listMaxCalls` KV LIST calls, so it may hold fewer than `limit` names and still have a
   * `next`. `signal` stops the walk between and during calls.
   */
  list(
    options?: SecretListOptions,
  ): Promise<{ names: SecretName[]; next?: string }>;
  /** Destroys every version and the metadata (KV `DELETE metadata`). */
  delete(name: string): Promise<void>;
}

export interface SecretListOptions {
  limit?: number;
  cursor?: string;
  signal?: AbortSignal;
}

export interface TenantSecretsOptions {
  kv: TenantKv;
  paths: TenantPaths;
  retryAfterSeconds: number;
  /** KV LIST calls one page may make; at least SECRET_NAME_MAX_SEGMENTS + 1 (default 32). */
  listMaxCalls?: number;
  /** The tenant's quotas; none when absent. */
  usage?: TenantUsage;
}

/** Default bound on the Vault work of one page of GET /secrets (attack 2 in docs/reliability.md). */
export const DEFAULT_LIST_MAX_CALLS = 32;

/**
 * Generic secrets of one tenant, versioned by KV v2, stored as `{ value }` like Identus does.
 * @example await createTenantSecrets({ kv, paths, retryAfterSeconds: 2 }).put('db/password', 's3cret', 0)
 */
export function createTenantSecrets(
  options: TenantSecretsOptions,
): TenantSecrets {
  const { kv, paths, usage } = options;

  async function currentBytes(name: SecretName): Promise<number> {
    const current = await kv.read(paths.secret(name));
    const stored = current?.data?.['value'];
    return typeof stored === 'string' ? Buffer.byteLength(stored, 'utf8') : 0;
  }

  // A new name counts as a secret; a new version changes the bytes by the difference in size.
  async function usageChange(
    name: SecretName,
    value: string,
  ): Promise<{ secrets: number; bytes: number }> {
    const exists = (await kv.readMetadata(paths.secret(name))) !== undefined;
    const before = exists ? await currentBytes(name) : 0;
    return {
      secrets: exists ? 0 : 1,
      bytes: Buffer.byteLength(value, 'utf8') - before,
    };
  }
  // From any position a leaf or the end of a folder is at most one call per segment away.
  const maxCalls = Math.max(
    SECRET_NAME_MAX_SEGMENTS + 1,
    options.listMaxCalls ?? DEFAULT_LIST_MAX_CALLS,
  );
  const fail = (err: unknown) =>
    toDomainError(err, {
      conflict:
        'The secret version does not match cas (it was changed, or already exists for cas 0).',
      retryAfterSeconds: options.retryAfterSeconds,
    });

  return {
    async put(rawName, value, cas) {
      const name = nameOrThrow(rawName);
      if (
        typeof value !== 'string' ||
        Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES
      ) {
        throw new AppError(
          'validation_failed',
          `value must be a string of at most ${MAX_SECRET_VALUE_BYTES} bytes`,
        );
      }
      if (cas !== undefined && (!Number.isSafeInteger(cas) || cas < 0)) {
        throw new AppError(
          'validation_failed',
          'cas must be a non-negative integer',
        );
      }
      try {
        const change = usage ? await usageChange(name, value) : undefined;
        if (usage && change)
          await usage.check({
            ...change,
            valueBytes: Buffer.byteLength(value, 'utf8'),
          });
        const written = await kv.write(
          paths.secret(name),
          { value },
          cas === undefined ? {} : { cas },
        );
        // The write is done and acknowledged whatever happens to the bookkeeping (ADR 0009).
        if (usage && change) await usage.record(change).catch(() => undefined);
        return { name, version: written.version };
      } catch (err) {
        throw fail(err);
      }
    },

    async get(rawName, version) {
      const name = nameOrThrow(rawName);
      if (
        version !== undefined &&
        (!Number.isSafeInteger(version) || version < 1)
      ) {
        throw new AppError(
          'validation_failed',
          'version must be a positive integer',
        );
      }
      const secret = await kv
        .read(paths.secret(name), version === undefined ? {} : { version })
        .catch((err: unknown) => Promise.reject(fail(err)));
      // Absent, pruned, soft-deleted or destroyed versions all read as "not there".
      if (secret?.data == null)
        throw notFound(version === undefined ? 'Secret' : 'Secret version');
      const stored = secret.data.value;
      if (typeof stored !== 'string')
        throw new AppError('internal', 'A stored secret is malformed.');
      return {
        name,
        value: stored,
        version: secret.metadata.version,
        createdAt: toIsoTimestamp(secret.metadata.createdTime),
      };
    },

    async list(listOptions = {}) {
      const limit = listOptions.limit ?? DEFAULT_SECRET_LIST_LIMIT;
      if (
        !Number.isSafeInteger(limit) ||
        limit < 1 ||
        limit > MAX_SECRET_LIST_LIMIT
      ) {
        throw new AppError(
          'validation_failed',
          `limit must be an integer from 1 to ${MAX_SECRET_LIST_LIMIT}`,
        );
      }
      const after =
        listOptions.cursor === undefined
          ? undefined
          : decodeCursor(listOptions.cursor);
      try {
        const page = await listPage(kv, paths.secretsFolder, {
          limit,
          maxCalls,
          after,
          signal: listOptions.signal,
        });
        const names = page.leaves.flatMap((n) => {
          const parsed = parseSecretName(n);
          return parsed.ok ? [parsed.value] : [];
        });
        return page.next === undefined
          ? { names }
          : {
              names,
              next: Buffer.from(page.next, 'utf8').toString('base64url'),
            };
      } catch (err) {
        if (listOptions.signal?.aborted) throw err;
        throw fail(err);
      }
    },

    async delete(rawName) {
      const name = nameOrThrow(rawName);
      try {
        if ((await kv.readMetadata(paths.secret(name))) === undefined)
          throw notFound('Secret');
        const bytes = usage ? await currentBytes(name) : 0;
        await kv.deleteMetadata(paths.secret(name));
        if (usage)
          await usage
            .record({ secrets: -1, bytes: -bytes })
            .catch(() => undefined);
      } catch (err) {
        throw fail(err);
      }
    },
  };
}

/** A cursor is a base64url position: a valid name, or a valid name's folder ending in '/'. */
function decodeCursor(cursor: string): string {
  const position = /^[A-Za-z0-9_-]{1,400}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const name = position.endsWith('/') ? position.slice(0, -1) : position;
  if (
    !parseSecretName(name).ok ||
    Buffer.from(position, 'utf8').toString('base64url') !== cursor
  ) {
    throw new AppError(
      'validation_failed',
      'cursor is not a value returned as `next`',
    );
  }
  return position;
}

function nameOrThrow(raw: string): SecretName {
  const parsed = parseSecretName(raw);
  if (!parsed.ok) throw invalidName('name', parsed);
  return parsed.value;
}
