import { camelize } from '../transport';
import { toVaultResponse, type WrapInfo } from '../response';
import {
  dataOf,
  joinPath,
  snakeFields,
  type Ttl,
  type VaultCaller,
} from './caller';
import type { TokenFields } from './token-fields';

export interface AppRoleFields extends TokenFields {
  bindSecretId?: boolean;
  secretIdNumUses?: number;
  secretIdTtl?: Ttl;
  secretIdBoundCidrs?: string[];
  localSecretIds?: boolean;
}

export type AppRole = Required<
  Pick<AppRoleFields, 'bindSecretId' | 'secretIdNumUses' | 'tokenPolicies'>
> & {
  secretIdTtl: number;
  tokenTtl: number;
  tokenMaxTtl: number;
} & Record<string, unknown>;

export interface SecretIdOptions {
  metadata?: Record<string, string>;
  ttlSeconds?: number;
  numUses?: number;
  cidrList?: string[];
  /** Response-wrap the secret_id for this long; the result then holds only `wrapInfo`. */
  wrapTtlSeconds?: number;
}

export type GeneratedSecretId =
  | {
      secretId: string;
      accessor: string;
      ttlSeconds: number;
      numUses: number;
      wrapInfo?: undefined;
    }
  | { wrapInfo: WrapInfo; secretId?: undefined; accessor?: undefined };

export interface SecretIdInfo {
  secretIdAccessor: string;
  secretIdNumUses: number;
  secretIdTtl: number;
  creationTime: string;
  expirationTime: string;
  metadata: Record<string, string> | null;
  cidrList: string[] | null;
}

export interface AppRoleAdminApi {
  writeRole(name: string, fields: AppRoleFields): Promise<void>;
  readRole(name: string): Promise<AppRole | undefined>;
  deleteRole(name: string): Promise<void>;
  listRoles(): Promise<string[]>;
  readRoleId(name: string): Promise<string>;
  generateSecretId(
    name: string,
    opts?: SecretIdOptions,
  ): Promise<GeneratedSecretId>;
  /** Undefined for an unknown secret_id (Vault answers 204). */
  lookupSecretId(
    name: string,
    secretId: string,
  ): Promise<SecretIdInfo | undefined>;
  destroySecretId(name: string, secretId: string): Promise<void>;
  listSecretIdAccessors(name: string): Promise<string[]>;
  destroySecretIdAccessor(name: string, accessor: string): Promise<void>;
}

/** AppRole administration on `auth/<mount>` (Vault docs: AppRole auth API). */
export function createAppRoleAdminApi(
  caller: VaultCaller,
  mount = 'approle',
): AppRoleAdminApi {
  const role = (name: string, ...rest: string[]) =>
    joinPath('auth', mount, 'role', name, ...rest);
  const op = (name: string) => `approle.${name} auth/${mount}`;
  const list = async (path: string, name: string) => {
    const res = await caller.send({
      method: 'LIST',
      path: `${path}/`,
      okStatuses: [404],
      operation: op(name),
    });
    return res.status === 404
      ? []
      : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
  };
  return {
    async writeRole(name, fields) {
      await caller.send({
        method: 'POST',
        path: role(name),
        body: snakeFields(fields),
        idempotent: true,
        operation: op('writeRole'),
      });
    },
    async readRole(name) {
      const res = await caller.send({
        method: 'GET',
        path: role(name),
        okStatuses: [404],
        operation: op('readRole'),
      });
      return res.status === 404 ? undefined : camelize<AppRole>(dataOf(res));
    },
    async deleteRole(name) {
      await caller.send({
        method: 'DELETE',
        path: role(name),
        operation: op('deleteRole'),
      });
    },
    listRoles: () => list(joinPath('auth', mount, 'role'), 'listRoles'),
    async readRoleId(name) {
      return String(
        dataOf(
          await caller.send({
            method: 'GET',
            path: role(name, 'role-id'),
            operation: op('readRoleId'),
          }),
        )['role_id'],
      );
    },
    async generateSecretId(name, opts = {}) {
      // The endpoint takes `ttl`/`num_uses` and metadata as a JSON string (hashicorp/vault#13497).
      const body = {
        metadata: opts.metadata && JSON.stringify(opts.metadata),
        ttl: opts.ttlSeconds,
        num_uses: opts.numUses,
        cidr_list: opts.cidrList,
      };
      const res = await caller.send({
        method: 'POST',
        path: role(name, 'secret-id'),
        body,
        wrapTtlSeconds: opts.wrapTtlSeconds,
        operation: op('generateSecretId'),
      });
      const envelope = toVaultResponse(res.body);
      if (envelope.wrapInfo) return { wrapInfo: envelope.wrapInfo };
      const d = envelope.data ?? {};
      return {
        secretId: String(d['secret_id']),
        accessor: String(d['secret_id_accessor']),
        ttlSeconds: Number(d['secret_id_ttl'] ?? 0),
        numUses: Number(d['secret_id_num_uses'] ?? 0),
      };
    },
    async lookupSecretId(name, secretId) {
      const res = await caller.send({
        method: 'POST',
        path: role(name, 'secret-id/lookup'),
        body: { secret_id: secretId },
        idempotent: true,
        operation: op('lookupSecretId'),
      });
      return res.status === 204 || !res.body
        ? undefined
        : camelize<SecretIdInfo>(dataOf(res), ['metadata']);
    },
    async destroySecretId(name, secretId) {
      await caller.send({
        method: 'POST',
        path: role(name, 'secret-id/destroy'),
        body: { secret_id: secretId },
        idempotent: true,
        operation: op('destroySecretId'),
      });
    },
    listSecretIdAccessors: (name) =>
      list(role(name, 'secret-id'), 'listSecretIdAccessors'),
    async destroySecretIdAccessor(name, accessor) {
      await caller.send({
        method: 'POST',
        path: role(name, 'secret-id-accessor/destroy'),
        body: { secret_id_accessor: accessor },
        idempotent: true,
        operation: op('destroySecretIdAccessor'),
      });
    },
  };
}
