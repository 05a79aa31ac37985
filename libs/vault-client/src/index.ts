// Public API: an explicit list of exports.
export { createVaultClient } from './client';
export type { VaultClient, VaultClientOptions } from './client';
export { tokenAuth } from './auth/token';
export { approleAuth } from './auth/approle';
export type { AppRoleAuthOptions } from './auth/approle';
export { jwtAuth } from './auth/jwt';
export { userpassAuth } from './auth/userpass';
export type {
  AuthMethod,
  LoginTransport,
  TokenLookup,
  WrappingLookup,
} from './auth/auth-method';
export type { LifetimeStatus, VaultClock } from './auth/token-lifetime';
export {
  VaultResponseError,
  VaultUnavailableError,
  VaultAuthError,
  isNotFound,
  isPermissionDenied,
  isCasMismatch,
  isVaultUnavailable,
  isTokenRejected,
} from './errors';
export type { VaultResponse, VaultAuthInfo, WrapInfo } from './response';
export { createHttpTransport } from './transport';
export type {
  Transport,
  TransportOptions,
  VaultRequest,
  VaultHttpResponse,
  VaultMethod,
  RetryOptions,
  VaultLogger,
} from './transport';
export type {
  KvV2Api,
  KvSecret,
  KvSecretMetadata,
  KvVersionInfo,
  KvMetadata,
  KvMetadataInput,
} from './engines/kv-v2';
export type {
  IdentityApi,
  Entity,
  EntityAlias,
  EntityInput,
  EntityLookup,
} from './engines/identity';
export type {
  IdentityOidcApi,
  OidcKey,
  OidcKeyInput,
  OidcRole,
  OidcRoleInput,
  JsonWebKeySet,
} from './engines/identity-oidc';
export type {
  SysApi,
  HealthStatus,
  MountInfo,
  MountInput,
} from './engines/sys';
export type {
  TransitApi,
  TransitKey,
  TransitKeyInput,
  SignOptions,
} from './engines/transit';
export type { WrappingApi } from './engines/wrapping';
export type {
  AppRoleAdminApi,
  AppRole,
  AppRoleFields,
  SecretIdOptions,
  GeneratedSecretId,
  SecretIdInfo,
} from './engines/approle-admin';
export type {
  UserpassAdminApi,
  UserpassUserFields,
} from './engines/userpass-admin';
export type {
  JwtAuthApi,
  JwtConfigInput,
  JwtRoleInput,
} from './engines/jwt-admin';
export type { TokenApi, TokenCreateInput } from './engines/token-api';
export type { TokenFields } from './engines/token-fields';
export type { Ttl } from './engines/caller';
