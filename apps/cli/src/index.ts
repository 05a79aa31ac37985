// Public API: an explicit list of exports (STYLE §2).
export { bootstrapVault, renderPolicy } from './bootstrap/bootstrap-vault';
export type { BootstrapOptions, BootstrapResult } from './bootstrap/bootstrap-vault';
export type { CredentialFiles } from './bootstrap/credential-files';
export { loadSpec, findSpecDir } from './bootstrap/spec-file';
export type { Phase, PhaseSpec, BootstrapSpec } from './bootstrap/spec-file';
export { runCli } from './cli';
export type { CliIo, Command } from './commands/command';
export { COMMANDS } from './commands/registry';
export { ENV_KEYS, loadCliEnv } from './config';
export type { CliEnv } from './config';
