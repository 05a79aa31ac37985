/** The JWT auth method's persisted state: its config and roles (Vault docs: JWT/OIDC auth API). */
import type { CoreServices } from '../../core/backend';
import type { TokenParams } from '../approle/token-params';

export interface JwtConfig {
  jwtValidationPubkeys: string[];
  jwksUrl: string;
  jwksCaPem: string;
  oidcDiscoveryUrl: string;
  oidcDiscoveryCaPem: string;
  boundIssuer: string;
  jwtSupportedAlgs: string[];
  defaultRole: string;
}

export interface JwtRole {
  name: string;
  roleType: 'jwt' | 'oidc';
  userClaim: string;
  userClaimJsonPointer: boolean;
  boundAudiences: string[];
  boundSubject: string;
  boundClaims: Record<string, string | string[]>;
  boundClaimsType: 'string' | 'glob';
  claimMappings: Record<string, string>;
  groupsClaim: string;
  clockSkewLeeway: number;
  expirationLeeway: number;
  notBeforeLeeway: number;
  allowedRedirectUris: string[];
  token: TokenParams;
}

export interface JwtState {
  config: JwtConfig | null;
  roles: Record<string, JwtRole>;
}

export function loadJwtState(core: CoreServices): JwtState {
  return core.state<JwtState>(() => ({ config: null, roles: {} }));
}
