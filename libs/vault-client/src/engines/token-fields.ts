import type { Ttl } from './caller';

/** The `token_*` fields every auth method role shares (Vault: sdk/helper/tokenutil). */
export interface TokenFields {
  tokenPolicies?: string[];
  tokenTtl?: Ttl;
  tokenMaxTtl?: Ttl;
  tokenExplicitMaxTtl?: Ttl;
  tokenNoDefaultPolicy?: boolean;
  tokenNumUses?: number;
  tokenPeriod?: Ttl;
  tokenType?: 'default' | 'service' | 'batch';
  tokenBoundCidrs?: string[];
}
