/**
 * The whole server state as one JSON-serialisable object: what `--data-dir` persists
 * and what a restart reloads. Engine slices are keyed by mount accessor.
 */
import type { AliasRecord, EntityRecord } from '../backend';

export interface MountEntry {
  /** `secret/`, `identity/`, or `auth/approle/` for auth methods. */
  path: string;
  type: string;
  accessor: string;
  uuid: string;
  description: string;
  options: Record<string, string>;
  config: {
    defaultLeaseTtlSeconds: number;
    maxLeaseTtlSeconds: number;
    forceNoCache: boolean;
    /** Tuned `user_lockout_config` (auth mounts); 0 / absent = the default. */
    userLockout?: UserLockoutTune;
  };
  local: boolean;
  sealWrap: boolean;
  isAuth: boolean;
}

export interface UserLockoutTune {
  threshold: number;
  durationSeconds: number;
  counterResetSeconds: number;
  disable: boolean;
}

export interface TokenEntry {
  id: string;
  accessor: string;
  /** Token policies (sorted), without identity policies. */
  policies: string[];
  meta: Record<string, string> | null;
  displayName: string;
  path: string;
  parentId: string;
  orphan: boolean;
  type: 'service' | 'batch';
  renewable: boolean;
  entityId: string;
  issueMs: number;
  /** TTL at creation (creation_ttl) in seconds; 0 = no expiry. */
  creationTtlSeconds: number;
  /** Absolute expiry; 0 = never. */
  expireMs: number;
  /** TTL the backend asks for on renewals without increment (login role token_ttl). */
  backendTtlSeconds: number;
  /** Effective max TTL from issue time in seconds; 0 = unbounded. */
  maxTtlSeconds: number;
  explicitMaxTtlSeconds: number;
  periodSeconds: number;
  /** 0 = unlimited; otherwise uses left. */
  numUses: number;
  lastRenewalMs: number;
  boundCidrs: string[];
}

export interface WrappedResponse {
  tokenId: string;
  creationPath: string;
  creationMs: number;
  ttlSeconds: number;
  /** The original response body exactly as it would have been sent. */
  body: Record<string, unknown>;
}

export interface VaultState {
  formatVersion: 1;
  rootTokenId: string;
  mounts: MountEntry[];
  /** Policy name -> policy text as written. */
  policies: Record<string, string>;
  tokens: Record<string, TokenEntry>;
  identity: {
    entities: Record<string, EntityRecord>;
    aliases: Record<string, AliasRecord>;
  };
  wrapping: Record<string, WrappedResponse>;
  engines: Record<string, object>;
  /** sys/remount migrations by id (absent in state files written before remount existed). */
  remountMigrations?: Record<
    string,
    { source_mount: string; target_mount: string; status: string }
  >;
}
