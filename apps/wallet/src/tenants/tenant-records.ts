import type { Wallet } from '@secret-flows/contracts';
import type { Entity } from '@secret-flows/vault-client';

// A tenant is a Vault entity and nothing else (no second store to drift out of step: docs/architecture.md).
// Its name says where it is in its life, so one LIST of entity names finds the live tenants
// without reading every entity, and a deleted tenant can never be mistaken for a live one.
const LIVE_PREFIX = 'tenant-';
const DELETED_PREFIX = 'deleted-tenant-';

/**
 * `provisioning`: entity and login exist, the seed may not (never shown to clients; a retry with
 * the same id completes it). `active`: seed written, visible. `deleting`: disabled, data being
 * destroyed (a retried DELETE finishes it). `deleted`: tombstone that keeps the id and its JWT
 * alias bound to a disabled entity for ever.
 */
export type TenantState = 'provisioning' | 'active' | 'deleting' | 'deleted';

export interface TenantRecord {
  entityId: string;
  id: string;
  name: string;
  state: TenantState;
  createdAt: string;
  updatedAt: string;
}

export const liveEntityName = (id: string): string => `${LIVE_PREFIX}${id}`;
export const deletedEntityName = (id: string): string =>
  `${DELETED_PREFIX}${id}`;

/** The tenant ids among entity names (live ones only), sorted so pages are stable. */
export function liveTenantIds(entityNames: string[]): string[] {
  return entityNames
    .filter((n) => n.startsWith(LIVE_PREFIX))
    .map((n) => n.slice(LIVE_PREFIX.length))
    .sort();
}

/** Entity metadata of a tenant: `tenant_id` feeds the identity token template (bootstrap.yaml). */
export function tenantMetadata(
  record: Pick<TenantRecord, 'id' | 'name' | 'state'>,
): Record<string, string> {
  return {
    tenant_id: record.id,
    wallet_name: record.name,
    state: record.state,
  };
}

/** Reads a tenant back from its entity; undefined when the entity is not a tenant's. */
export function toTenantRecord(entity: Entity): TenantRecord | undefined {
  const meta = entity.metadata ?? {};
  const id = meta['tenant_id'];
  const state = meta['state'] as TenantState | undefined;
  if (
    !id ||
    !state ||
    !['provisioning', 'active', 'deleting', 'deleted'].includes(state)
  )
    return undefined;
  return {
    entityId: entity.id,
    id,
    name: meta['wallet_name'] ?? '',
    state,
    createdAt: isoTime(entity.creationTime),
    updatedAt: isoTime(entity.lastUpdateTime || entity.creationTime),
  };
}

/** The public view of an active tenant (Identus `WalletDetail`). */
export function toWallet(record: TenantRecord): Wallet {
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

// Vault reports nanoseconds ("...T14:00:00.123456789Z"); clients get milliseconds.
function isoTime(vaultTime: string): string {
  const parsed = new Date(vaultTime);
  return Number.isNaN(parsed.getTime())
    ? new Date(0).toISOString()
    : parsed.toISOString();
}
