/**
 * What the core's own backends (sys, auth/token) and the request pipeline share.
 * Built once per server by `createVaultCore`; never a module-level singleton.
 */
import type { Backend, BackendFactory } from './backend';
import type { Acl } from './acl/acl';
import type { PolicyStore } from './acl/policy-store';
import type { IdentityStore } from './identity/identity-store';
import type { MountTable } from './mounts/mount-table';
import type { TokenStore } from './tokens/token-store';
import type { MountEntry, TokenEntry, VaultState } from './state/vault-state';
import type { WrappingStore } from './wrapping/wrapping-store';
import type { UserLockout } from './lockout/user-lockout';

export interface CoreInternals {
  state: VaultState;
  now(): number;
  mounts: MountTable;
  policies: PolicyStore;
  tokens: TokenStore;
  identity: IdentityStore;
  wrapping: WrappingStore;
  lockout: UserLockout;
  factories: Record<string, BackendFactory>;
  persist(): Promise<void>;
  backendFor(mountPath: string): Backend | undefined;
  /** Adds the mount to the table and instantiates its backend. */
  mount(entry: MountEntry): void;
  /** Removes a mount, its engine state, and (for auth mounts) its tokens and aliases. */
  unmount(path: string): MountEntry | undefined;
  /** Moves a mount (sys/remount): revokes the tokens issued under the old path, keeps its state. */
  remount(from: string, to: string): MountEntry | undefined;
  /** Identity policies of the token's entity (empty without an entity). */
  identityPolicies(entry: TokenEntry): string[];
  aclFor(entry: TokenEntry): Acl;
  apiAddress(): string;
}
