import type {
  KvSource,
  TenantWallet,
  WalletCore,
} from '@secret-flows/wallet-core';
import type { TenantPrincipal } from '../auth/auth.middleware';

/**
 * How a tenant request reaches its data in Vault — the seam between phase 3 and phase 4.
 * `single`: the wallet's own AppRole token (its policy covers tenants/*).
 * `multi`: a tenant-scoped token from exchanging the tenant JWT (auth/jwt/login), so Vault's
 * templated policy, not the wallet's path checks, is what keeps tenants apart.
 */
export interface TenantDataAccess {
  readonly mode: 'single' | 'multi';
  walletFor(principal: TenantPrincipal): Promise<TenantWallet>;
}

/**
 * Phase 3: every tenant's wallet on the wallet's own Vault client.
 * @example createSingleTenantDataAccess({ walletCore, vault })
 */
export function createSingleTenantDataAccess(deps: {
  walletCore: WalletCore;
  vault: KvSource;
}): TenantDataAccess {
  return {
    mode: 'single',
    walletFor: async (principal) =>
      deps.walletCore.forClient(principal.tenantId, deps.vault),
  };
}
