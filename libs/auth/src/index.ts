// Public API: an explicit list of exports (STYLE §2).
export { AuthError, isAuthError } from './auth-error';
export type { AuthErrorReason } from './auth-error';
export { createJwksVerifier, TENANT_ID_PATTERN } from './jwks-verifier';
export type { JwksVerifier, JwksVerifierOptions, TenantClaims } from './jwks-verifier';
export type { JsonFetch } from './jwks-cache';
export { SUPPORTED_ALGORITHMS } from './keys';
export type { JwsAlgorithm } from './keys';
export { createServiceTokenSigner, createServiceTokenVerifier, generateServiceKeyPair } from './service-tokens';
export type {
  ServiceTokenSigner,
  ServiceTokenSignerOptions,
  ServiceTokenVerifier,
  ServiceTokenVerifierOptions,
  ServiceClaims,
  ServiceTokenExtraClaims,
  TrustedServiceKey,
} from './service-tokens';
export { constantTimeEqual, checkApiKey } from './api-keys';
