import type { KeyId, SecretName, TenantId } from './names';

/** The KV v2 paths (relative to the mount) that hold one tenant's data. */
export interface TenantPaths {
  root: string;
  seed: string;
  /** The tenant's usage record (quotas, ADR 0009). */
  usage: string;
  keysFolder: string;
  key(id: KeyId): string;
  secretsFolder: string;
  secret(name: SecretName): string;
}

/**
 * Builds the tenant path layout `tenants/<tenantId>/{seed,keys/<id>,secrets/<name>}` (docs/architecture.md, "Data in Vault").
 * @example tenantPaths(tenantId).secret(name) // 'tenants/acme/secrets/db/password'
 */
export function tenantPaths(tenantId: TenantId): TenantPaths {
  // Only branded (validated) values reach here, so plain concatenation cannot escape the
  // tenant's folder: ids and names have no '..', no empty segments and no '%'.
  const root = `tenants/${tenantId}`;
  return {
    root,
    seed: `${root}/seed`,
    usage: `${root}/usage`,
    keysFolder: `${root}/keys`,
    key: (id) => `${root}/keys/${id}`,
    secretsFolder: `${root}/secrets`,
    secret: (name) => `${root}/secrets/${name}`,
  };
}
