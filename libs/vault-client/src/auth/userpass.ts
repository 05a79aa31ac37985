import type { AuthMethod } from './auth-method';
import { readSecretFile } from './read-secret-file';

/**
 * Userpass login (tenant logins in phases 3-4).
 * @example userpassAuth({ username: 'acme', passwordFile: '/run/secrets/acme' })
 */
export function userpassAuth(options: {
  mount?: string;
  username: string;
  password?: string;
  passwordFile?: string;
}): AuthMethod {
  const mount = options.mount ?? 'userpass';
  if (!options.username)
    throw new TypeError('userpassAuth: username is required');
  if (!options.password === !options.passwordFile)
    throw new TypeError(
      'userpassAuth: give exactly one of password, passwordFile',
    );
  return {
    name: 'userpass',
    async login(t) {
      const password =
        options.password ??
        (await readSecretFile(
          'userpass',
          'password',
          options.passwordFile as string,
        ));
      return t.login(`auth/${mount}/login/${options.username}`, { password });
    },
  };
}
