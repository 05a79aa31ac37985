// Public API: an explicit list of exports.
export { bootstrapVault, renderPolicy } from './bootstrap/bootstrap-vault';
export type {
  BootstrapOptions,
  BootstrapResult,
} from './bootstrap/bootstrap-vault';
export type { CredentialFiles } from './bootstrap/credential-files';
export { loadSpec, findSpecDir } from './bootstrap/spec-file';
export type { Phase, PhaseSpec, BootstrapSpec } from './bootstrap/spec-file';
export { runCli } from './cli';
export type { CliIo, Command } from './commands/command';
export { COMMANDS } from './commands/registry';
export { ENV_KEYS, loadCliEnv } from './config';
export type { CliEnv } from './config';
export { startPlatform } from './platform/start-platform';
export type { Platform, PlatformOptions } from './platform/start-platform';
export { runDemo } from './platform/demo-flow';
export type { DemoStep } from './platform/demo-flow';
export { platformInfo } from './platform/platform-file';
export type { PlatformInfo } from './platform/platform-file';
export type { DemoTenant } from './platform/demo-tenants';
export { findRepoRoot } from './platform/layout';
export type { ServiceName } from './platform/layout';
