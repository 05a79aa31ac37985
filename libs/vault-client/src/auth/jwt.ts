import type { AuthMethod } from './auth-method';

/**
 * JWT login: exchanges a JWT supplied on demand for a Vault token of `role`.
 * @example jwtAuth({ role: 'tenant', jwt: async () => tenantJwt })
 */
export function jwtAuth(options: {
  mount?: string;
  role: string;
  jwt: () => Promise<string>;
}): AuthMethod {
  const mount = options.mount ?? 'jwt';
  if (!options.role) throw new TypeError('jwtAuth: role is required');
  return {
    name: 'jwt',
    async login(t) {
      return t.login(`auth/${mount}/login`, {
        role: options.role,
        jwt: await options.jwt(),
      });
    },
  };
}
