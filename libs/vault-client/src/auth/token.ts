import type { AuthMethod } from './auth-method';
import { readSecretFile } from './read-secret-file';

/**
 * A static token (phase 1, or the bootstrap's admin token). Login = lookup-self, so the
 * lifetime module learns the TTL and renews when it can; a file is re-read at each login.
 * @example tokenAuth({ file: '/run/secrets/vault-token' })
 */
export function tokenAuth(token: string | { file: string }): AuthMethod {
  if (typeof token === 'string' && !token)
    throw new TypeError('tokenAuth: token is empty');
  return {
    name: 'token',
    revokeOnStop: false,
    async login(t) {
      const value =
        typeof token === 'string'
          ? token
          : await readSecretFile('token', 'token', token.file);
      const info = await t.lookupSelf(value);
      return {
        clientToken: value,
        accessor: info.accessor,
        policies: info.policies,
        tokenPolicies: info.policies,
        leaseDurationSeconds: info.ttlSeconds,
        renewable: info.renewable,
        entityId: info.entityId,
        metadata: null,
      };
    },
  };
}
