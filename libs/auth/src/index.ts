// Public API: an explicit list of exports.
export { AuthError, isAuthError } from './auth-error';
export type { AuthErrorReason } from './auth-error';
export { createJwksVerifier, TENANT_ID_PATTERN } from './jwks-verifier';
export type {
  JwksVerifier,
  JwksVerifierOptions,
  TenantClaims,
} from './jwks-verifier';
export type { JsonFetch } from './jwks-cache';
export { SUPPORTED_ALGORITHMS } from './keys';
export type { JwsAlgorithm } from './keys';
export {
  createServiceTokenSigner,
  generateServiceKeyPair,
} from './service-token-signer';
export type {
  ServiceTokenSigner,
  ServiceTokenSignerOptions,
} from './service-token-signer';
export { createServiceTokenVerifier } from './service-token-verifier';
export type {
  ServiceTokenVerifier,
  ServiceTokenVerifierOptions,
  ServiceClaims,
  TrustedServiceKey,
} from './service-token-verifier';
export type { ServiceTokenExtraClaims } from './service-token-claims';
export { constantTimeEqual, checkApiKey } from './api-keys';
