import { VaultAuthError, VaultResponseError } from '../errors';
import type { AuthMethod, LoginTransport } from './auth-method';
import { readSecretFile } from './read-secret-file';

export interface AppRoleAuthOptions {
  mount?: string;
  roleId?: string;
  roleIdFile?: string;
  secretId?: string;
  /** Re-read at every login, so a rotated secret_id works without a restart. */
  secretIdFile?: string;
  /** A response-wrapped secret_id, unwrapped once (Vault Agent behaviour; Vault docs: Agent auto-auth, AppRole method). */
  wrappedSecretIdFile?: string;
  /** Creation path the wrapping token must have; default `auth/<mount>/role/<any>/secret-id`. */
  expectedWrapCreationPath?: string;
}

/**
 * AppRole login with role_id and a secret_id from a value, a file, or a wrapped token.
 * @example approleAuth({ roleIdFile: 'out/role-id', secretIdFile: 'out/secret-id' })
 */
export function approleAuth(options: AppRoleAuthOptions): AuthMethod {
  const mount = options.mount ?? 'approle';
  if (!options.roleId === !options.roleIdFile)
    throw new TypeError('approleAuth: give exactly one of roleId, roleIdFile');
  const sources = [
    options.secretId,
    options.secretIdFile,
    options.wrappedSecretIdFile,
  ].filter(Boolean).length;
  if (sources !== 1)
    throw new TypeError(
      'approleAuth: give exactly one of secretId, secretIdFile, wrappedSecretIdFile',
    );
  // The unwrapped secret_id lives only in memory: the wrapping token is single-use.
  let unwrapped: string | undefined;

  async function secretId(t: LoginTransport): Promise<string> {
    if (options.secretId) return options.secretId;
    if (options.secretIdFile)
      return readSecretFile('approle', 'secret_id', options.secretIdFile);
    unwrapped ??= await unwrapSecretId(t, mount, options);
    return unwrapped;
  }

  return {
    name: 'approle',
    async login(t) {
      const roleId =
        options.roleId ??
        (await readSecretFile(
          'approle',
          'role_id',
          options.roleIdFile as string,
        ));
      const sid = await secretId(t);
      try {
        return await t.login(`auth/${mount}/login`, {
          role_id: roleId,
          secret_id: sid,
        });
      } catch (error) {
        if (error instanceof VaultResponseError && error.status === 400) {
          throw new VaultAuthError(
            'approle',
            `${error.errors.join('; ')} (role_id wrong, or secret_id expired, used up or destroyed)`,
            { cause: error },
          );
        }
        throw error;
      }
    },
  };
}

async function unwrapSecretId(
  t: LoginTransport,
  mount: string,
  options: AppRoleAuthOptions,
): Promise<string> {
  const token = await readSecretFile(
    'approle',
    'wrapped secret_id',
    options.wrappedSecretIdFile as string,
  );
  let creationPath: string;
  try {
    creationPath = (await t.lookupWrapping(token)).creationPath;
  } catch (error) {
    if (!(error instanceof VaultResponseError)) throw error;
    throw new VaultAuthError(
      'approle',
      'wrapping token is not valid or was already used (it may have been intercepted)',
      { cause: error },
    );
  }
  // Checking the creation path stops a forged wrapping token from injecting an attacker's secret_id.
  const expected = options.expectedWrapCreationPath;
  const ok = expected
    ? creationPath === expected
    : new RegExp(`^auth/${escape(mount)}/role/[^/]+/secret-id$`).test(
        creationPath,
      );
  if (!ok)
    throw new VaultAuthError(
      'approle',
      `wrapping token was created at ${creationPath}, not at a secret-id path`,
    );
  try {
    const res = await t.unwrap(token);
    const sid = (res.data as { secret_id?: string } | null)?.secret_id;
    if (!sid)
      throw new VaultAuthError(
        'approle',
        'unwrapped response has no secret_id',
      );
    return sid;
  } catch (error) {
    if (!(error instanceof VaultResponseError)) throw error;
    throw new VaultAuthError(
      'approle',
      'wrapping token is not valid or was already used (it may have been intercepted)',
      { cause: error },
    );
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
