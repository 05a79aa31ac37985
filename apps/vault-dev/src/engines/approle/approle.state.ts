/**
 * AppRole's persisted state. Secret IDs are stored under a salted SHA-256 (Vault
 * keeps an HMAC), so the state file never holds a usable secret_id.
 */
import { createHash } from 'node:crypto';
import type { CoreServices } from '../../core/backend';
import type { TokenParams } from './token-params';

export interface SecretIdEntry {
  accessor: string;
  cidrList: string[];
  tokenBoundCidrs: string[];
  metadata: Record<string, string>;
  /** Remaining uses; 0 = unlimited. */
  numUses: number;
  ttlSeconds: number;
  creationMs: number;
  /** 0 = never expires. */
  expirationMs: number;
  lastUpdatedMs: number;
}

export interface RoleEntry {
  name: string;
  roleId: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[];
  secretIdNumUses: number;
  secretIdTtl: number;
  localSecretIds: boolean;
  token: TokenParams;
  /** Keyed by the salted hash of the secret_id. */
  secretIds: Record<string, SecretIdEntry>;
  /** secret_id_accessor -> hash key of `secretIds`. */
  accessors: Record<string, string>;
}

export interface AppRoleState {
  salt: string;
  /** Keyed by the lower-cased role name (names are case-insensitive, §4). */
  roles: Record<string, RoleEntry>;
  /** role_id -> role name. */
  roleIdIndex: Record<string, string>;
}

export function loadAppRoleState(core: CoreServices): AppRoleState {
  return core.state<AppRoleState>(() => ({
    salt: core.randomBase62(32),
    roles: {},
    roleIdIndex: {},
  }));
}

export function hashSecretId(state: AppRoleState, secretId: string): string {
  return createHash('sha256')
    .update(state.salt)
    .update('\0')
    .update(secretId)
    .digest('hex');
}

/** Finds a live secret ID, dropping it first when its expiration time has passed. */
export function liveSecretId(
  role: RoleEntry,
  hash: string,
  nowMs: number,
): SecretIdEntry | undefined {
  const entry = Object.prototype.hasOwnProperty.call(role.secretIds, hash)
    ? role.secretIds[hash]
    : undefined;
  if (!entry) return undefined;
  if (entry.expirationMs > 0 && nowMs >= entry.expirationMs) {
    deleteSecretId(role, hash);
    return undefined;
  }
  return entry;
}

export function deleteSecretId(role: RoleEntry, hash: string): void {
  const entry = role.secretIds[hash];
  if (!entry) return;
  delete role.accessors[entry.accessor];
  delete role.secretIds[hash];
}

/** Removes every expired secret ID of every role (the tidy operation); returns how many. */
export function tidyExpired(state: AppRoleState, nowMs: number): number {
  let removed = 0;
  for (const role of Object.values(state.roles)) {
    for (const hash of Object.keys(role.secretIds)) {
      if (!liveSecretId(role, hash, nowMs)) removed += 1;
    }
  }
  return removed;
}
