// Public API: an explicit list of exports (STYLE §2).
export { startVaultDev, StateKeyError } from './server';
export type { VaultDevOptions, VaultDevServer } from './server';
export { VaultError } from './core/backend';
export type {
  AliasRecord,
  Backend,
  BackendFactory,
  BackendRequest,
  BackendResponse,
  CallerToken,
  CoreServices,
  EntityRecord,
  IdentityAccess,
  LoginResult,
  Operation,
  RenewTtls,
} from './core/backend';
