// Public API: an explicit list of exports.
export { startGateway } from './gateway';
export type { RunningGateway, StartGatewayOptions } from './gateway';
export { GatewayConfigError } from './standalone/config-error';
export { ENV_KEYS, loadConfig, resolveConfigPath } from './config';
export type { GatewayDevConfig } from './config';
export { IMPLEMENTED_PLUGINS } from './plugins/plugin-registry';
export { readStandaloneFile } from './standalone/standalone-file';
export type { StandaloneConfig } from './standalone/standalone-file';
