import { AppError } from '@secret-flows/contracts';
import { isCasMismatch } from '@secret-flows/vault-client';
import type { TenantKv } from '../tenant-kv';

/** What one tenant may store (ADR 0009). */
export interface TenantQuotas {
  /** Secrets (names), however many versions each has. */
  secrets: number;
  keys: number;
  /** Largest secret value, in UTF-8 bytes. */
  valueBytes: number;
  /** Sum of the latest value of every secret, in UTF-8 bytes. */
  totalBytes: number;
}

/** Defaults: far above what an identity agent's tenant stores, far below what hurts Vault. */
export const DEFAULT_TENANT_QUOTAS: TenantQuotas = {
  secrets: 1000,
  keys: 1000,
  valueBytes: 64 * 1024,
  totalBytes: 16 * 1024 * 1024,
};

export interface Usage {
  secrets: number;
  keys: number;
  bytes: number;
}

export interface TenantUsage {
  /** Throws a quota_* AppError when the change would take the tenant over a quota. */
  check(change: Partial<Usage> & { valueBytes?: number }): Promise<void>;
  /** Records a change that happened (after the write or delete succeeded). */
  record(change: Partial<Usage>): Promise<void>;
}

const CAS_ATTEMPTS = 5;

/**
 * The tenant's usage record, one KV entry (`tenants/<id>/usage`) inside the tenant's own path so
 * the tenant-scoped token can update it, changed with check-and-set so concurrent replicas do not
 * lose updates. A check and the write it guards are not atomic: concurrent writes at the edge of a
 * quota can pass it together, so a quota can be overshot by the number of writes in flight (the
 * request budget bounds those). Deleting the tenant deletes the record with the rest.
 * @example await createTenantUsage({ kv, path: 'tenants/acme/usage', quotas }).check({ secrets: 1, bytes: 10, valueBytes: 10 })
 */
export function createTenantUsage(options: {
  kv: TenantKv;
  path: string;
  quotas: TenantQuotas;
}): TenantUsage {
  const { kv, path, quotas } = options;

  async function read(): Promise<{ usage: Usage; version: number }> {
    const current = await kv.read(path);
    const d = current?.data ?? {};
    const n = (v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
    return {
      usage: {
        secrets: n(d['secrets']),
        keys: n(d['keys']),
        bytes: n(d['bytes']),
      },
      version: current?.metadata.version ?? 0,
    };
  }

  return {
    async check(change) {
      if (
        change.valueBytes !== undefined &&
        change.valueBytes > quotas.valueBytes
      ) {
        throw new AppError(
          'quota_value_bytes_exceeded',
          `A secret value may hold at most ${quotas.valueBytes} bytes for this tenant.`,
        );
      }
      const needsRecord =
        (change.secrets ?? 0) > 0 ||
        (change.keys ?? 0) > 0 ||
        (change.bytes ?? 0) > 0;
      if (!needsRecord) return;
      const { usage } = await read();
      if (
        (change.secrets ?? 0) > 0 &&
        usage.secrets + (change.secrets ?? 0) > quotas.secrets
      ) {
        throw new AppError(
          'quota_secrets_exceeded',
          `This tenant may store at most ${quotas.secrets} secrets; delete some first.`,
        );
      }
      if (
        (change.keys ?? 0) > 0 &&
        usage.keys + (change.keys ?? 0) > quotas.keys
      ) {
        throw new AppError(
          'quota_keys_exceeded',
          `This tenant may hold at most ${quotas.keys} keys; delete some first.`,
        );
      }
      if (
        (change.bytes ?? 0) > 0 &&
        usage.bytes + (change.bytes ?? 0) > quotas.totalBytes
      ) {
        throw new AppError(
          'quota_total_bytes_exceeded',
          `This tenant may store at most ${quotas.totalBytes} bytes of secret values; delete some first.`,
        );
      }
    },
    async record(change) {
      for (let attempt = 1; ; attempt++) {
        const { usage, version } = await read();
        const next = {
          secrets: Math.max(0, usage.secrets + (change.secrets ?? 0)),
          keys: Math.max(0, usage.keys + (change.keys ?? 0)),
          bytes: Math.max(0, usage.bytes + (change.bytes ?? 0)),
        };
        try {
          await kv.write(path, next, { cas: version });
          return;
        } catch (err) {
          if (!isCasMismatch(err) || attempt >= CAS_ATTEMPTS) throw err;
        }
      }
    },
  };
}
