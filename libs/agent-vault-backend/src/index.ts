// Public API: an explicit list of exports.
export {
  createAgentVaultBackend,
  DEFAULT_TENANT_ID,
} from './agent-vault-backend';
export type {
  AgentVaultBackend,
  AgentVaultBackendOptions,
  CallContext,
} from './agent-vault-backend';
export { vaultAuthMethod } from './vault-auth';
export type {
  VaultAuthConfig,
  TokenAuthConfig,
  AppRoleAuthConfig,
} from './vault-auth';
