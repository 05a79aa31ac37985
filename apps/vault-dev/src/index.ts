// Public API: an explicit list of exports.
export { startVaultDev, StateKeyError } from './server';
export type { VaultDevOptions, VaultDevServer } from './server';
export { createDevCertificates } from './tls/dev-certificates';
export type {
  DevCertificates,
  DevCertificateOptions,
} from './tls/dev-certificates';
export {
  DEV_CA_FILENAME,
  DEV_CERT_FILENAME,
  DEV_KEY_FILENAME,
} from './tls/listener-tls';
export type {
  DevTlsOptions,
  TlsFilesOptions,
  VaultDevTlsOptions,
} from './tls/listener-tls';
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
