import type {
  CreatedWallet,
  CreateKeyRequest,
  CreateWalletRequest,
  Key,
  KeyList,
  PageQuery,
  PutSecretRequest,
  PutSecretResponse,
  ReadinessCheck,
  Secret,
  SecretNameList,
  SecretListQuery,
  SignRequest,
  SignResponse,
  Wallet,
  WalletPage,
} from '@secret-flows/contracts';

/** Who a tenant call is for, and what the backend may forward on its behalf. */
export interface TenantContext {
  /** `default` in phases 1-2; the verified JWT's tenant claim in phases 3-4. */
  tenantId: string;
  /** The tenant's verified bearer JWT, forwarded to the wallet (phases 3-4 only). */
  bearerToken?: string;
  requestId: string;
  /** Aborted when the client goes away: calls made for it are cancelled. */
  signal?: AbortSignal;
}

/** An admin call, already authorised by the agent with x-admin-api-key. */
export interface AdminContext {
  requestId: string;
}

export interface KeyOperations {
  create(ctx: TenantContext, request: CreateKeyRequest): Promise<Key>;
  list(ctx: TenantContext): Promise<KeyList>;
  get(ctx: TenantContext, keyId: string): Promise<Key>;
  delete(ctx: TenantContext, keyId: string): Promise<void>;
  sign(
    ctx: TenantContext,
    keyId: string,
    request: SignRequest,
  ): Promise<SignResponse>;
  /** vault-transit keys: add a version (wallet keys answer 409). */
  rotate(ctx: TenantContext, keyId: string): Promise<Key>;
}

export interface SecretOperations {
  put(
    ctx: TenantContext,
    name: string,
    request: PutSecretRequest,
  ): Promise<PutSecretResponse>;
  get(ctx: TenantContext, name: string, version?: number): Promise<Secret>;
  list(ctx: TenantContext, query?: SecretListQuery): Promise<SecretNameList>;
  delete(ctx: TenantContext, name: string): Promise<void>;
}

/** Tenant lifecycle (phase 4), executed by the wallet. */
export interface TenantOperations {
  create(
    ctx: AdminContext,
    request: CreateWalletRequest,
  ): Promise<CreatedWallet>;
  list(ctx: AdminContext, page: PageQuery): Promise<WalletPage>;
  get(ctx: AdminContext, walletId: string): Promise<Wallet>;
  delete(ctx: AdminContext, walletId: string): Promise<void>;
}

/**
 * The port between the agent's routes and wherever secrets live: `vault` (wallet-core in-process,
 * libs/agent-vault-backend, phases 1-2) or `wallet` (HTTP to the wallet service, phases 3-4).
 * Implementations throw AppError only; routes never see transport errors.
 */
export interface SecretBackend {
  readonly kind: 'vault' | 'wallet';
  readonly keys: KeyOperations;
  readonly secrets: SecretOperations;
  /** Present only when the backend can provision tenants (the wallet, phase 4). */
  readonly tenants?: TenantOperations;
  /** Named dependency checks for /_system/ready; never throws. */
  readiness(): Promise<Record<string, ReadinessCheck>>;
  /** Releases connections and (vault mode) revokes the agent's own Vault token. */
  close(): Promise<void>;
}
