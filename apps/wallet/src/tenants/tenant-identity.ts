import type { VaultClient } from '@secret-flows/vault-client';

export interface TenantIdentityOptions {
  /** The wallet's client; only its unauthenticated logins and `withToken` views are used here. */
  vault: Pick<VaultClient, 'auth' | 'withToken'>;
  userpassMount: string;
  jwtMount: string;
  jwtRole: string;
  /** Vault identity-token role that mints tenant JWTs (`identity/oidc/token/<role>`). */
  oidcRole: string;
}

/** A tenant-scoped Vault token for as long as `use` runs; revoked afterwards. */
export type AsTenant = <T>(
  login: { username: string; password: string },
  use: (tenant: VaultClient) => Promise<T>,
) => Promise<T>;

/**
 * Acts as a freshly created tenant, the way its application will: userpass login ->
 * `identity/oidc/token/<role>` -> `auth/jwt/login` -> a token confined by `tenant-data`. The
 * wallet's provisioner policy cannot write tenant data, so this is the only way it can store a
 * new tenant's seed (ADR 0003) — and it proves the login works before the password is handed out.
 * @example await asTenant({ username, password }, (t) => walletCore.forClient(id, t).seed.ensure())
 */
export function createAsTenant(options: TenantIdentityOptions): AsTenant {
  const { vault } = options;
  return async (login, use) => {
    const loginAuth = await vault.auth
      .userpass(options.userpassMount)
      .login(login.username, login.password);
    const loginClient = vault.withToken(loginAuth.clientToken);
    try {
      const { token: jwt } = await loginClient.identity.oidc.generateToken(
        options.oidcRole,
      );
      const tenantAuth = await vault.auth
        .jwt(options.jwtMount)
        .login(options.jwtRole, jwt);
      const tenantClient = vault.withToken(tenantAuth.clientToken);
      try {
        return await use(tenantClient);
      } finally {
        await revokeQuietly(tenantClient);
      }
    } finally {
      await revokeQuietly(loginClient);
    }
  };
}

// Both tokens expire on their own (15 min / 1 h); revoking is hygiene, and its failure must not
// turn a completed onboarding into an error.
async function revokeQuietly(client: Pick<VaultClient, 'auth'>): Promise<void> {
  try {
    await client.auth.token.revokeSelf();
  } catch {
    // Expiry cleans up what revocation could not.
  }
}
