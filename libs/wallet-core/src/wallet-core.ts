import { invalidName, toDomainError } from './errors';
import { createTenantKeys } from './keys/tenant-keys';
import {
  createCustodyKeys,
  deleteTransitKeys,
  tenantTransitKeys,
  type CustodyKeys,
  type TransitCustodyOptions,
} from './keys/transit-keys';
import { listTree } from './list-tree';
import { parseTenantId, type TenantId } from './names';
import {
  createTenantSecrets,
  type TenantSecrets,
} from './secrets/tenant-secrets';
import { createTenantSeed, type TenantSeed } from './seed/tenant-seed';
import type { TransitApi } from '@secret-flows/vault-client';
import type { KvSource, TenantKv } from './tenant-kv';
import { tenantPaths } from './tenant-paths';
import { mapLimited } from './map-limited';
import { createTenantUsage, type TenantQuotas } from './quota/tenant-usage';

export interface WalletCoreOptions {
  /** KV v2 mount of the tenant data (docs/architecture.md, "Data in Vault"; Identus hard-codes `secret`). */
  kvMount: string;
  /** Retry-After sent with vault_unavailable; default 2 s. */
  retryAfterSeconds?: number;
  /** Parallel KV reads while listing; default 8. */
  listConcurrency?: number;
  /** KV LIST calls one page of secret names may make; default 32. */
  listMaxCalls?: number;
  /** Per-tenant quotas (ADR 0009); none when absent (phases 1-2). */
  quotas?: TenantQuotas;
  /** Seed entropy; default node:crypto randomBytes. */
  randomBytes?: (size: number) => Buffer;
  /**
   * Vault Transit key custody (docs/adr/0015-key-custody-modes.md); absent = every key is a
   * wallet key. When set, Ed25519 and P-256 keys default to `vault-transit`.
   */
  transit?: TransitCustodyOptions;
}

/** Everything one tenant can do with its wallet; every path is confined to `tenants/<id>/`. */
export interface TenantWallet {
  tenantId: TenantId;
  keys: CustodyKeys;
  secrets: TenantSecrets;
  seed: TenantSeed;
  /** Destroys every KV entry of the tenant (all versions and metadata) and its Transit keys; returns how many KV entries. */
  destroyAll(): Promise<number>;
}

export interface WalletCore {
  kvMount: string;
  /** The tenant's wallet on a KV API already bound to `kvMount` (phase 3 or 4 credential). */
  forTenant(tenantId: string, kv: TenantKv, transit?: TransitApi): TenantWallet;
  /** Same, opening `kvMount` on a client (the AppRole client, or `client.withToken(t)`). */
  forClient(tenantId: string, client: KvSource): TenantWallet;
}

/**
 * Creates the secret domain: tenant path layout, seeds, keys, signing and generic secrets.
 * @example createWalletCore({ kvMount: 'secret' }).forClient('default', vault).keys.create('Ed25519')
 */
export function createWalletCore(options: WalletCoreOptions): WalletCore {
  if (
    !/^[A-Za-z0-9][A-Za-z0-9_/-]*$/.test(options.kvMount) ||
    options.kvMount.includes('//')
  ) {
    throw new Error('kvMount must be a Vault mount path such as "secret"');
  }
  const kvMount = options.kvMount.replace(/\/+$/, '');
  const retryAfterSeconds = options.retryAfterSeconds ?? 2;
  const listConcurrency = options.listConcurrency ?? 8;

  function forTenant(
    rawTenantId: string,
    kv: TenantKv,
    transit?: TransitApi,
  ): TenantWallet {
    const parsed = parseTenantId(rawTenantId);
    if (!parsed.ok) throw invalidName('tenantId', parsed);
    const paths = tenantPaths(parsed.value);
    const shared = { kv, paths, retryAfterSeconds };
    const usage = options.quotas
      ? createTenantUsage({ kv, path: paths.usage, quotas: options.quotas })
      : undefined;
    return {
      tenantId: parsed.value,
      keys: createCustodyKeys({
        ...shared,
        listConcurrency,
        tenantId: parsed.value,
        walletKeys: createTenantKeys({ ...shared, listConcurrency, usage }),
        usage,
        transit: options.transit && transit,
        admin: options.transit?.admin,
      }),
      secrets: createTenantSecrets({
        ...shared,
        listMaxCalls: options.listMaxCalls,
        usage,
      }),
      seed: createTenantSeed({ ...shared, randomBytes: options.randomBytes }),
      async destroyAll() {
        try {
          const leaves = await listTree(kv, paths.root, {
            maxDepth: 32,
            concurrency: listConcurrency,
          });
          await mapLimited(leaves, listConcurrency, (leaf) =>
            kv.deleteMetadata(`${paths.root}/${leaf}`),
          );
          const admin = options.transit?.admin;
          if (admin)
            await deleteTransitKeys(
              admin,
              tenantTransitKeys(parsed.value, await admin.listKeys()),
              listConcurrency,
            );
          return leaves.length;
        } catch (err) {
          throw toDomainError(err, {
            conflict: 'The tenant changed while it was destroyed.',
            retryAfterSeconds,
          });
        }
      },
    };
  }

  return {
    kvMount,
    forTenant,
    forClient: (tenantId, client) =>
      forTenant(
        tenantId,
        client.kvV2(kvMount),
        options.transit && client.transit
          ? client.transit(options.transit.mount)
          : undefined,
      ),
  };
}
