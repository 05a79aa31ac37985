import type { KvV2Api, VaultClient } from '@secret-flows/vault-client';

/**
 * The narrow slice of a KV v2 engine the domain needs. The wallet passes its AppRole client's
 * KV (phase 3) or a tenant-scoped token's KV (phase 4); the domain cannot tell the difference.
 */
export type TenantKv = Pick<
  KvV2Api,
  'read' | 'write' | 'list' | 'readMetadata' | 'deleteMetadata'
>;

/**
 * Anything that can open a KV v2 mount: a VaultClient or one derived with `withToken`; with
 * `transit`, the same credential also serves vault-transit keys.
 */
export type KvSource = Pick<VaultClient, 'kvV2'> &
  Partial<Pick<VaultClient, 'transit'>>;
