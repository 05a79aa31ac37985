import {
  VaultResponseError,
  VaultUnavailableError,
} from '@secret-flows/vault-client';
import type { TenantKv } from '../tenant-kv';

interface Version {
  data: Record<string, unknown>;
  createdTime: string;
}

interface Entry {
  versions: Map<number, Version>;
  currentVersion: number;
  createdTime: string;
}

export interface FakeKvOptions {
  now?: () => Date;
  /** Versions kept per key, like the engine default `max_versions` 0 => 10. */
  maxVersions?: number;
}

/**
 * An in-memory KV v2 engine with the behaviour wallet-core relies on (Vault docs: KV v2 API): versions
 * from 1, check-and-set with Vault's error text, pruning of old versions, immediate-children
 * LIST with folders, metadata delete. `down()` makes every call fail like an unreachable Vault.
 */
export function createFakeKv(options: FakeKvOptions = {}) {
  const now = options.now ?? (() => new Date());
  const maxVersions = options.maxVersions ?? 10;
  const entries = new Map<string, Entry>();
  let isDown = false;
  let calls = 0;

  function guard(path: string): void {
    calls++;
    if (isDown)
      throw new VaultUnavailableError({
        path,
        reason: 'connect ECONNREFUSED',
        attempts: 3,
      });
  }

  const kv = {
    async read(path: string, opts?: { version?: number }) {
      guard(path);
      const entry = entries.get(path);
      if (!entry) return undefined;
      const version = opts?.version || entry.currentVersion;
      const found = entry.versions.get(version);
      if (!found) return undefined;
      return {
        data: structuredClone(found.data),
        metadata: {
          version,
          createdTime: found.createdTime,
          deletionTime: '',
          destroyed: false,
          customMetadata: null,
        },
      };
    },

    async write(
      path: string,
      data: Record<string, unknown>,
      opts?: { cas?: number },
    ) {
      guard(path);
      const entry = entries.get(path) ?? {
        versions: new Map(),
        currentVersion: 0,
        createdTime: now().toISOString(),
      };
      if (opts?.cas !== undefined && opts.cas !== entry.currentVersion) {
        throw new VaultResponseError({
          status: 400,
          errors: ['check-and-set parameter did not match the current version'],
          path: `secret/data/${path}`,
        });
      }
      const version = entry.currentVersion + 1;
      const createdTime = now().toISOString();
      entry.versions.set(version, { data: structuredClone(data), createdTime });
      entry.currentVersion = version;
      for (const old of entry.versions.keys())
        if (old <= version - maxVersions) entry.versions.delete(old);
      entries.set(path, entry);
      return { version, createdTime };
    },

    async list(path: string) {
      guard(path);
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const children = new Set<string>();
      for (const key of entries.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      return [...children].sort();
    },

    async readMetadata(path: string) {
      guard(path);
      const entry = entries.get(path);
      if (!entry) return undefined;
      const versions = Object.fromEntries(
        [...entry.versions].map(([v, { createdTime }]) => [
          String(v),
          { createdTime, deletionTime: '', destroyed: false },
        ]),
      );
      return {
        casRequired: false,
        createdTime: entry.createdTime,
        currentVersion: entry.currentVersion,
        customMetadata: null,
        deleteVersionAfter: '0s',
        maxVersions: 0,
        oldestVersion: Math.min(...entry.versions.keys()),
        updatedTime:
          entry.versions.get(entry.currentVersion)?.createdTime ??
          entry.createdTime,
        versions,
      };
    },

    async deleteMetadata(path: string) {
      guard(path);
      entries.delete(path);
    },
  } satisfies TenantKv;

  return {
    kv,
    /** Every stored path (for assertions on the layout). */
    paths: () => [...entries.keys()].sort(),
    /** The raw stored data of the current version (for assertions on what reached Vault). */
    raw: (path: string) => {
      const entry = entries.get(path);
      return entry ? entry.versions.get(entry.currentVersion)?.data : undefined;
    },
    down: () => {
      isDown = true;
    },
    up: () => {
      isDown = false;
    },
    callCount: () => calls,
    /** Forgets everything (between Pact interactions). */
    reset: () => {
      entries.clear();
      isDown = false;
    },
  };
}

export type FakeKv = ReturnType<typeof createFakeKv>;
