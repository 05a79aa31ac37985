import { VaultResponseError } from '../errors';
import { camelize } from '../transport';
import { dataOf, joinPath, type VaultCaller } from './caller';

export interface HealthStatus {
  /** HTTP status of the answer: 200 active, 429 standby, 501 uninitialised, 503 sealed... */
  status: number;
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  version?: string;
  serverTimeUtc?: number;
  clusterName?: string;
}

export interface MountInfo {
  type: string;
  accessor: string;
  description: string;
  options: Record<string, string> | null;
  config: Record<string, unknown>;
}

export interface MountInput {
  type: string;
  description?: string;
  config?: Record<string, unknown>;
  options?: Record<string, string>;
}

export interface SysApi {
  /** Non-2xx answers (sealed, standby) are data here, not errors; unreachable Vault throws VaultUnavailableError. */
  health(query?: {
    standbyok?: boolean;
    perfstandbyok?: boolean;
  }): Promise<HealthStatus>;
  sealStatus(): Promise<Record<string, unknown>>;
  listMounts(): Promise<Record<string, MountInfo>>;
  /** Idempotent: an existing mount of the same type is left alone (`changed: false`). */
  enableSecretsEngine(
    path: string,
    mount: MountInput,
  ): Promise<{ changed: boolean }>;
  disableSecretsEngine(path: string): Promise<void>;
  listAuthMethods(): Promise<Record<string, MountInfo>>;
  /** Idempotent like enableSecretsEngine; needs `sudo` on `sys/auth/<path>`. */
  enableAuthMethod(
    path: string,
    method: MountInput,
  ): Promise<{ changed: boolean }>;
  disableAuthMethod(path: string): Promise<void>;
  /** `sys/auth/<path>/tune` as Vault answers it (snake_case keys kept); needs `sudo` there. */
  readAuthTune(path: string): Promise<Record<string, unknown>>;
  /** Writes `sys/auth/<path>/tune` (e.g. `{ user_lockout_config: { lockout_disable: true } }`). */
  tuneAuthMethod(path: string, tune: Record<string, unknown>): Promise<void>;
  /** Accessor of an auth mount (`auth_jwt_…`), for templated policies and entity aliases. */
  authAccessor(path: string): Promise<string | undefined>;
  readPolicy(name: string): Promise<string | undefined>;
  writePolicy(name: string, policy: string): Promise<void>;
  deletePolicy(name: string): Promise<void>;
  listPolicies(): Promise<string[]>;
  capabilitiesSelf(paths: string[]): Promise<Record<string, string[]>>;
}

const HEALTH_CODES = [429, 472, 473, 501, 503];

function mountsOf(data: Record<string, unknown>): Record<string, MountInfo> {
  const out: Record<string, MountInfo> = {};
  for (const [path, info] of Object.entries(data)) {
    if (info && typeof info === 'object' && 'type' in info)
      out[path] = camelize<MountInfo>(info, ['options']);
  }
  return out;
}

// kv-v2 is Vault's alias for kv with options.version 2 (Vault docs: /sys/mounts).
function sameType(existing: MountInfo, wanted: MountInput): boolean {
  const wantKv2 =
    wanted.type === 'kv-v2' ||
    (wanted.type === 'kv' && wanted.options?.['version'] === '2');
  if (wantKv2)
    return existing.type === 'kv' && existing.options?.['version'] === '2';
  return existing.type === wanted.type;
}

/** sys/*: health, mounts, auth methods, policies, capabilities. */
export function createSysApi(caller: VaultCaller): SysApi {
  const op = (name: string) => `sys.${name}`;
  const listMounts = async (which: 'mounts' | 'auth') =>
    mountsOf(
      dataOf(
        await caller.send({
          method: 'GET',
          path: `sys/${which}`,
          operation: op(`list.${which}`),
        }),
      ),
    );

  async function enable(
    which: 'mounts' | 'auth',
    path: string,
    input: MountInput,
  ) {
    const key = `${path.replace(/^\/+|\/+$/g, '')}/`;
    try {
      await caller.send({
        method: 'POST',
        path: joinPath('sys', which, path),
        body: input,
        operation: op(`enable.${which}`),
      });
      return { changed: true };
    } catch (error) {
      // 409 in modern Vault, 400 "path is already in use" in older ones (Vault docs: /sys/mounts).
      const inUse =
        error instanceof VaultResponseError &&
        (error.status === 409 ||
          error.errors.some((e) => e.includes('already in use')));
      if (!inUse) throw error;
      const existing = (await listMounts(which))[key];
      if (existing && sameType(existing, input)) return { changed: false };
      throw error;
    }
  }

  return {
    async health(query) {
      const res = await caller.send({
        method: 'GET',
        path: 'sys/health',
        query,
        okStatuses: HEALTH_CODES,
        unauthenticated: true,
        operation: op('health'),
      });
      return {
        ...camelize<Omit<HealthStatus, 'status'>>(res.body ?? {}),
        status: res.status,
      };
    },
    async sealStatus() {
      return camelize(
        (
          await caller.send({
            method: 'GET',
            path: 'sys/seal-status',
            unauthenticated: true,
            operation: op('sealStatus'),
          })
        ).body,
      );
    },
    listMounts: () => listMounts('mounts'),
    enableSecretsEngine: (path, mount) => enable('mounts', path, mount),
    async disableSecretsEngine(path) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('sys/mounts', path),
        operation: op('disableSecretsEngine'),
      });
    },
    listAuthMethods: () => listMounts('auth'),
    enableAuthMethod: (path, method) => enable('auth', path, method),
    async disableAuthMethod(path) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('sys/auth', path),
        operation: op('disableAuthMethod'),
      });
    },
    async readAuthTune(path) {
      return dataOf(
        await caller.send({
          method: 'GET',
          path: joinPath('sys/auth', path, 'tune'),
          operation: op('readAuthTune'),
        }),
      );
    },
    async tuneAuthMethod(path, tune) {
      await caller.send({
        method: 'POST',
        path: joinPath('sys/auth', path, 'tune'),
        body: tune,
        idempotent: true,
        operation: op('tuneAuthMethod'),
      });
    },
    async authAccessor(path) {
      return (await listMounts('auth'))[`${path.replace(/^\/+|\/+$/g, '')}/`]
        ?.accessor;
    },
    async readPolicy(name) {
      const res = await caller.send({
        method: 'GET',
        path: joinPath('sys/policies/acl', name),
        okStatuses: [404],
        operation: op('readPolicy'),
      });
      return res.status === 404
        ? undefined
        : String(dataOf(res)['policy'] ?? '');
    },
    async writePolicy(name, policy) {
      await caller.send({
        method: 'PUT',
        path: joinPath('sys/policies/acl', name),
        body: { policy },
        idempotent: true,
        operation: op('writePolicy'),
      });
    },
    async deletePolicy(name) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('sys/policies/acl', name),
        operation: op('deletePolicy'),
      });
    },
    async listPolicies() {
      const res = await caller.send({
        method: 'LIST',
        path: 'sys/policies/acl/',
        okStatuses: [404],
        operation: op('listPolicies'),
      });
      return res.status === 404
        ? []
        : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
    },
    async capabilitiesSelf(paths) {
      const d = dataOf(
        await caller.send({
          method: 'POST',
          path: 'sys/capabilities-self',
          body: { paths },
          idempotent: true,
          operation: op('capabilitiesSelf'),
        }),
      );
      return Object.fromEntries(
        paths.map((p) => [p, (d[p] as string[] | undefined) ?? []]),
      );
    },
  };
}
