/**
 * Mints the token for an auth method's `LoginResult` (Vault: vault/request_handling.go, handleLoginRequest): looks up or
 * creates the entity and alias on the mount, applies the default policy and the mount's
 * TTL limits, and refuses root.
 */
import { VaultError, type LoginResult } from '../backend';
import type { CoreInternals } from '../core-internals';
import { mountTtls } from '../mounts/mount-table';
import type { MountEntry, TokenEntry } from '../state/vault-state';
import { authBlock } from './token-store';

function displayNameFor(mount: MountEntry, login: LoginResult): string {
  // Vault prefixes the method's display name with the mount path (`userpass-bob`, `approle`).
  const base = mount.path
    .replace(/^auth\//, '')
    .replace(/\/+$/, '')
    .replace(/\//g, '-');
  const name = login.displayName ?? '';
  if (name === '' || name === base || name.startsWith(`${base}-`))
    return name || base;
  return `${base}-${name}`;
}

export function mintLoginToken(
  core: CoreInternals,
  mount: MountEntry,
  login: LoginResult,
  requestPath: string,
): { entry: TokenEntry; auth: Record<string, unknown>; warnings: string[] } {
  const policies = [
    ...new Set(
      login.policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''),
    ),
  ];
  if (policies.includes('root'))
    throw new VaultError(400, ['auth methods cannot create root tokens']);
  if (!login.noDefaultPolicy && !policies.includes('default'))
    policies.push('default');
  const entity = core.identity.entityForLogin(
    mount.accessor,
    login.alias.name,
    login.alias.metadata ?? login.metadata,
  );
  if (entity.disabled) throw new VaultError(403, ['permission denied']);
  const limits = mountTtls(mount);
  const { entry, warnings } = core.tokens.create({
    policies,
    meta: login.metadata,
    displayName: displayNameFor(mount, login),
    path: requestPath,
    type: login.tokenType ?? 'service',
    renewable: login.renewable,
    entityId: entity.id,
    ttlSeconds: login.ttlSeconds,
    backendMaxSeconds: login.maxTtlSeconds,
    periodSeconds: login.periodSeconds,
    numUses: login.numUses,
    mountDefaultSeconds: limits.defaultTtlSeconds,
    mountMaxSeconds: limits.maxTtlSeconds,
    boundCidrs: login.boundCidrs,
  });
  const identityPolicies = core.identityPolicies(entry);
  return {
    entry,
    auth: authBlock(entry, identityPolicies, entry.creationTtlSeconds),
    warnings,
  };
}
