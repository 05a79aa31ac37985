// Public API: an explicit list of exports.
export { createWalletCore } from './wallet-core';
export type {
  WalletCore,
  WalletCoreOptions,
  TenantWallet,
} from './wallet-core';
export type { TenantKv, KvSource } from './tenant-kv';
export type { TenantKeys, PublicKeyInfo, Signature } from './keys/tenant-keys';
export type {
  CustodyKeys,
  CustodyKeyInfo,
  CustodySignature,
  KeyCustody,
  KeyVersionInfo,
  TransitAdmin,
  TransitCustodyOptions,
} from './keys/transit-keys';
export { transitKeyName, transitEligible } from './keys/transit-keys';
export type {
  TenantSecrets,
  SecretValue,
  SecretListOptions,
} from './secrets/tenant-secrets';
export { DEFAULT_LIST_MAX_CALLS } from './secrets/tenant-secrets';
export type { TenantSeed } from './seed/tenant-seed';
export { WALLET_SEED_BYTES } from './seed/tenant-seed';
export {
  KEY_TYPES,
  isKeyType,
  algorithmOf,
  didKeyFromPublicJwk,
} from './keys/key-material';
export type {
  KeyType,
  PublicJwk,
  SignatureAlgorithm,
} from './keys/key-material';
export {
  parseTenantId,
  parseSecretName,
  parseKeyId,
  TENANT_ID_MAX_LENGTH,
  SECRET_NAME_MAX_BYTES,
  SECRET_NAME_MAX_SEGMENTS,
} from './names';
export type { TenantId, SecretName, KeyId, NameResult } from './names';
export { tenantPaths } from './tenant-paths';
export type { TenantPaths } from './tenant-paths';
export { base58btcEncode, base58btcDecode } from './base58';
export { createTenantUsage, DEFAULT_TENANT_QUOTAS } from './quota/tenant-usage';
export type { TenantQuotas, TenantUsage } from './quota/tenant-usage';
