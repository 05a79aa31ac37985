// Public API: an explicit list of exports. The deploy manifests' tests read ENV_KEYS;
// e2e suites may mount buildApp.
export { ENV_KEYS, VAULT_ENV_KEYS, ConfigError, loadConfig } from './config';
export type { AgentConfig } from './config';
export { buildApp } from './app';
export type { AppDeps } from './app';
export type {
  SecretBackend,
  TenantContext,
  AdminContext,
} from './backend/secret-backend';
export { DEFAULT_WALLET_ID } from './wallets/wallets.routes';
export { TENANTS_ADMIN_SCOPE } from './backend/wallet-http/wallet-http-backend';
