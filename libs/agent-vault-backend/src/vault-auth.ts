import {
  approleAuth,
  tokenAuth,
  type AuthMethod,
} from '@secret-flows/vault-client';

/** Phase 1: a static token, given directly or as a file re-read at each login. */
export interface TokenAuthConfig {
  method: 'token';
  token?: string;
  tokenFile?: string;
}

/** Phase 2: AppRole; the secret_id file is re-read at each login, a wrapped one unwrapped once. */
export interface AppRoleAuthConfig {
  method: 'approle';
  mount?: string;
  roleId?: string;
  roleIdFile?: string;
  secretIdFile?: string;
  wrappedSecretIdFile?: string;
}

export type VaultAuthConfig = TokenAuthConfig | AppRoleAuthConfig;

/**
 * Turns the agent's Vault credential settings into a vault-client auth strategy.
 * @example vaultAuthMethod({ method: 'token', tokenFile: '/run/secrets/vault-token' })
 */
export function vaultAuthMethod(config: VaultAuthConfig): AuthMethod {
  if (config.method === 'token') {
    if (config.tokenFile) return tokenAuth({ file: config.tokenFile });
    if (config.token) return tokenAuth(config.token);
    throw new TypeError('token auth needs token or tokenFile');
  }
  return approleAuth({
    mount: config.mount,
    roleId: config.roleId,
    roleIdFile: config.roleIdFile,
    secretIdFile: config.secretIdFile,
    wrappedSecretIdFile: config.wrappedSecretIdFile,
  });
}
