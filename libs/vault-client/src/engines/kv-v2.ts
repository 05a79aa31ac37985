import { camelize } from '../transport';
import { dataOf, joinPath, snakeFields, type VaultCaller } from './caller';

export interface KvSecretMetadata {
  version: number;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
  customMetadata: Record<string, string> | null;
}

export interface KvSecret {
  data: Record<string, unknown>;
  metadata: KvSecretMetadata;
}

export interface KvVersionInfo {
  version: number;
  createdTime: string;
}

export interface KvMetadata {
  casRequired: boolean;
  createdTime: string;
  currentVersion: number;
  customMetadata: Record<string, string> | null;
  deleteVersionAfter: string;
  maxVersions: number;
  oldestVersion: number;
  updatedTime: string;
  versions: Record<
    string,
    { createdTime: string; deletionTime: string; destroyed: boolean }
  >;
}

export interface KvMetadataInput {
  maxVersions?: number;
  casRequired?: boolean;
  deleteVersionAfter?: string;
  customMetadata?: Record<string, string>;
}

export interface KvV2Api {
  /** Undefined when absent, soft-deleted or destroyed (Vault docs: KV v2 API). */
  read(
    path: string,
    opts?: { version?: number },
  ): Promise<KvSecret | undefined>;
  /** `cas: 0` writes only if the key does not exist yet. */
  write(
    path: string,
    data: Record<string, unknown>,
    opts?: { cas?: number },
  ): Promise<KvVersionInfo>;
  patch(
    path: string,
    data: Record<string, unknown>,
    opts?: { cas?: number },
  ): Promise<KvVersionInfo>;
  delete(path: string): Promise<void>;
  deleteVersions(path: string, versions: number[]): Promise<void>;
  undelete(path: string, versions: number[]): Promise<void>;
  destroy(path: string, versions: number[]): Promise<void>;
  readMetadata(path: string): Promise<KvMetadata | undefined>;
  writeMetadata(path: string, metadata: KvMetadataInput): Promise<void>;
  deleteMetadata(path: string): Promise<void>;
  /** Immediate children, folders ending in `/`; [] when none. `signal` cancels the call. */
  list(path: string, opts?: { signal?: AbortSignal }): Promise<string[]>;
  readConfig(): Promise<{
    casRequired: boolean;
    deleteVersionAfter: string;
    maxVersions: number;
  }>;
  writeConfig(config: {
    casRequired?: boolean;
    deleteVersionAfter?: string;
    maxVersions?: number;
  }): Promise<void>;
}

/** KV v2 on `mount`; ACLs see these API paths (`<mount>/data/...`, `<mount>/metadata/...`). */
export function createKvV2Api(caller: VaultCaller, mount: string): KvV2Api {
  const at = (kind: string, path: string) => joinPath(mount, kind, path);
  const op = (name: string) => `kv.${name} ${mount}`;
  const versionInfo = (d: Record<string, unknown>): KvVersionInfo => ({
    version: Number(d['version']),
    createdTime: String(d['created_time']),
  });
  const versionsCall = async (
    kind: string,
    path: string,
    versions: number[],
  ) => {
    await caller.send({
      method: 'POST',
      path: at(kind, path),
      body: { versions },
      idempotent: true,
      operation: op(kind),
    });
  };
  return {
    async read(path, opts) {
      const res = await caller.send({
        method: 'GET',
        path: at('data', path),
        query: { version: opts?.version },
        okStatuses: [404],
        operation: op('read'),
      });
      // 404 is either `{"errors":[]}` (absent) or an envelope whose metadata says deleted/destroyed.
      if (res.status === 404) return undefined;
      const d = dataOf(res);
      if (!d['data']) return undefined;
      return {
        data: d['data'] as Record<string, unknown>,
        metadata: camelize<KvSecretMetadata>(d['metadata'], [
          'custom_metadata',
        ]),
      };
    },
    async write(path, data, opts) {
      const body = {
        data,
        ...(opts?.cas !== undefined ? { options: { cas: opts.cas } } : {}),
      };
      return versionInfo(
        dataOf(
          await caller.send({
            method: 'POST',
            path: at('data', path),
            body,
            operation: op('write'),
          }),
        ),
      );
    },
    async patch(path, data, opts) {
      const body = {
        data,
        ...(opts?.cas !== undefined ? { options: { cas: opts.cas } } : {}),
      };
      return versionInfo(
        dataOf(
          await caller.send({
            method: 'PATCH',
            path: at('data', path),
            body,
            operation: op('patch'),
          }),
        ),
      );
    },
    async delete(path) {
      await caller.send({
        method: 'DELETE',
        path: at('data', path),
        operation: op('delete'),
      });
    },
    deleteVersions: (path, versions) => versionsCall('delete', path, versions),
    undelete: (path, versions) => versionsCall('undelete', path, versions),
    destroy: (path, versions) => versionsCall('destroy', path, versions),
    async readMetadata(path) {
      const res = await caller.send({
        method: 'GET',
        path: at('metadata', path),
        okStatuses: [404],
        operation: op('readMetadata'),
      });
      return res.status === 404
        ? undefined
        : camelize<KvMetadata>(dataOf(res), ['custom_metadata']);
    },
    async writeMetadata(path, metadata) {
      await caller.send({
        method: 'POST',
        path: at('metadata', path),
        body: snakeFields(metadata),
        idempotent: true,
        operation: op('writeMetadata'),
      });
    },
    async deleteMetadata(path) {
      await caller.send({
        method: 'DELETE',
        path: at('metadata', path),
        operation: op('deleteMetadata'),
      });
    },
    async list(path, opts) {
      const res = await caller.send({
        method: 'LIST',
        path: `${at('metadata', path)}/`,
        okStatuses: [404],
        operation: op('list'),
        signal: opts?.signal,
      });
      return res.status === 404
        ? []
        : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
    },
    async readConfig() {
      return camelize(
        dataOf(
          await caller.send({
            method: 'GET',
            path: joinPath(mount, 'config'),
            operation: op('readConfig'),
          }),
        ),
      );
    },
    async writeConfig(config) {
      await caller.send({
        method: 'POST',
        path: joinPath(mount, 'config'),
        body: snakeFields(config),
        idempotent: true,
        operation: op('writeConfig'),
      });
    },
  };
}
