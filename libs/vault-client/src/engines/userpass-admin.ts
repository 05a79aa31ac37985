import { camelize } from '../transport';
import { toAuthInfo, type VaultAuthInfo } from '../response';
import { dataOf, joinPath, snakeFields, type VaultCaller } from './caller';
import type { TokenFields } from './token-fields';

export interface UserpassUserFields extends TokenFields {
  /** Required when creating; omit to update other fields only. */
  password?: string;
}

export interface UserpassAdminApi {
  writeUser(username: string, fields: UserpassUserFields): Promise<void>;
  readUser(
    username: string,
  ): Promise<
    (Record<string, unknown> & { tokenPolicies: string[] }) | undefined
  >;
  deleteUser(username: string): Promise<void>;
  listUsers(): Promise<string[]>;
  updatePassword(username: string, password: string): Promise<void>;
  /** Logs the user in (no client token needed) and returns the new token's auth block. */
  login(username: string, password: string): Promise<VaultAuthInfo>;
}

/** Userpass on `auth/<mount>` (Vault docs: Userpass auth API): tenant logins. */
export function createUserpassAdminApi(
  caller: VaultCaller,
  mount = 'userpass',
): UserpassAdminApi {
  const user = (name: string, ...rest: string[]) =>
    joinPath('auth', mount, 'users', name, ...rest);
  const op = (name: string) => `userpass.${name} auth/${mount}`;
  return {
    async writeUser(username, fields) {
      // A comma string, not a JSON list: Vault matches `allowed_parameters` values whole, so a
      // policy allowing only "tenant-login" would refuse the list ["tenant-login"] (vault/acl.go).
      const body = snakeFields({
        ...fields,
        tokenPolicies: fields.tokenPolicies?.join(','),
      });
      await caller.send({
        method: 'POST',
        path: user(username),
        body,
        idempotent: true,
        operation: op('writeUser'),
      });
    },
    async readUser(username) {
      const res = await caller.send({
        method: 'GET',
        path: user(username),
        okStatuses: [404],
        operation: op('readUser'),
      });
      return res.status === 404 ? undefined : camelize(dataOf(res));
    },
    async deleteUser(username) {
      await caller.send({
        method: 'DELETE',
        path: user(username),
        operation: op('deleteUser'),
      });
    },
    async listUsers() {
      const res = await caller.send({
        method: 'LIST',
        path: joinPath('auth', mount, 'users') + '/',
        okStatuses: [404],
        operation: op('listUsers'),
      });
      return res.status === 404
        ? []
        : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
    },
    async updatePassword(username, password) {
      await caller.send({
        method: 'POST',
        path: user(username, 'password'),
        body: { password },
        idempotent: true,
        operation: op('updatePassword'),
      });
    },
    async login(username, password) {
      const res = await caller.send({
        method: 'POST',
        path: joinPath('auth', mount, 'login', username),
        body: { password },
        unauthenticated: true,
        operation: op('login'),
      });
      return toAuthInfo((res.body as { auth?: unknown }).auth);
    },
  };
}
