// Public API: an explicit list of exports. The wallet is an app; these exports let
// its e2e tests and the platform launcher build it in-process.
export { buildApp } from './app';
export type { AppDeps } from './app';
export { createDependencies } from './compose';
export type { WalletDependencies } from './compose';
export { loadConfig, ENV_KEYS, ConfigError } from './config';
export type { WalletConfig } from './config';
