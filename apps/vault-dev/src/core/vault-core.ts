/**
 * Builds the core object graph from a state object: stores, mount table, backend
 * instances per mount, and the request pipeline.
 */
import type { Backend, BackendFactory, CoreServices } from './backend';
import {
  createCubbyholeBackend,
  type CubbyholeState,
} from './cubbyhole/cubbyhole.backend';
import { createAcl, type Acl } from './acl/acl';
import type { Policy } from './acl/policy';
import { createPolicyStore } from './acl/policy-store';
import type { CoreInternals } from './core-internals';
import type { Reply } from './http/reply';
import type { VaultRequest } from './http/vault-request';
import { createIdentityStore } from './identity/identity-store';
import {
  createMountTable,
  MOUNT_ALIASES,
  newMountEntry,
} from './mounts/mount-table';
import { createRequestPipeline } from './request-pipeline';
import type { Persistence } from './state/persistence';
import type { MountEntry, VaultState } from './state/vault-state';
import { createSysBackend, type SealControl } from './sys/sys.backend';
import { createTokenBackend } from './tokens/token.backend';
import { createTokenStore } from './tokens/token-store';
import { randomBase62, uuid } from './util/ids';
import { createWrappingStore } from './wrapping/wrapping-store';
import { createUserLockout } from './lockout/user-lockout';

export interface VaultCoreOptions {
  state: VaultState;
  now: () => number;
  persistence: Persistence;
  factories: Record<string, BackendFactory>;
  apiAddress: () => string;
  seal: SealControl;
}

export interface VaultCore {
  handle(req: VaultRequest, requestId: string): Promise<Reply>;
  internals: CoreInternals;
}

/** A fresh state like `vault server -dev`: KV v2 at secret/, token auth, identity, sys. */
export function initialState(
  rootTokenId: string,
  factories: Record<string, BackendFactory>,
): VaultState {
  const mounts: MountEntry[] = [
    newMountEntry({
      path: 'sys/',
      type: 'system',
      isAuth: false,
      description: 'system endpoints used for control, policy and debugging',
    }),
    newMountEntry({
      path: 'cubbyhole/',
      type: 'cubbyhole',
      isAuth: false,
      description: 'per-token private secret storage',
      local: true,
    }),
    newMountEntry({
      path: 'secret/',
      type: 'kv',
      isAuth: false,
      description: 'key/value secret storage',
      options: { version: '2' },
    }),
    newMountEntry({
      path: 'auth/token/',
      type: 'token',
      isAuth: true,
      description: 'token based credentials',
    }),
  ];
  if (factories['identity'])
    mounts.push(
      newMountEntry({
        path: 'identity/',
        type: 'identity',
        isAuth: false,
        description: 'identity store',
      }),
    );
  return {
    formatVersion: 1,
    rootTokenId,
    mounts,
    policies: {},
    tokens: {},
    identity: { entities: {}, aliases: {} },
    wrapping: {},
    engines: {},
  };
}

export function createVaultCore(options: VaultCoreOptions): VaultCore {
  const { state, now } = options;
  const mounts = createMountTable([]);
  const policies = createPolicyStore(state.policies);
  const tokens = createTokenStore({ state, now });
  const identity = createIdentityStore({
    state: state.identity,
    mounts,
    now,
    onEntityDeleted: (id) => tokens.revokeByEntity(id),
  });
  const wrapping = createWrappingStore({ state, tokens, now });
  const backends = new Map<string, Backend>();
  const persist = (): Promise<void> => options.persistence.persist();

  const servicesFor = (entry: MountEntry): CoreServices => ({
    now,
    uuid,
    randomBase62,
    state<T extends object>(init: () => T): T {
      const existing = state.engines[entry.accessor];
      if (existing) return existing as T;
      const created = init();
      state.engines[entry.accessor] = created;
      return created;
    },
    persist,
    identity,
    tokens,
    mountByPath(path) {
      const normalised = path.endsWith('/') ? path : `${path}/`;
      const found =
        mounts.byPath(normalised) ?? mounts.byPath(`auth/${normalised}`);
      return found
        ? { path: found.path, type: found.type, accessor: found.accessor }
        : undefined;
    },
    apiAddress: options.apiAddress,
  });

  // Compiling an ACL resolves templates and merges rules; cache it per token until a
  // policy or the identity store changes (the hot path of every authenticated request).
  const aclCache = new Map<string, { key: string; acl: Acl }>();
  const identityPolicies = (entry: { entityId: string }): string[] =>
    entry.entityId ? (identity.entityById(entry.entityId)?.policies ?? []) : [];

  const internals: CoreInternals = {
    state,
    now,
    mounts,
    policies,
    tokens,
    identity,
    wrapping,
    lockout: createUserLockout(now),
    factories: options.factories,
    persist,
    backendFor: (path) => backends.get(path),
    mount(entry) {
      const backend = instantiate(entry);
      mounts.add(entry);
      if (!state.mounts.includes(entry)) state.mounts.push(entry);
      backends.set(entry.path, backend);
    },
    unmount(path) {
      const removed = mounts.remove(path);
      if (!removed) return undefined;
      backends.delete(path);
      state.mounts.splice(state.mounts.indexOf(removed), 1);
      delete state.engines[removed.accessor];
      if (removed.isAuth) {
        for (const t of Object.values(state.tokens))
          if (t.path.startsWith(removed.path)) tokens.revokeTree(t.id);
        for (const a of identity.listAliases())
          if (a.mountAccessor === removed.accessor) identity.deleteAlias(a.id);
      }
      return removed;
    },
    remount(from, to) {
      const entry = mounts.remove(from);
      if (!entry) return undefined;
      backends.delete(from);
      // Vault revokes every lease and token issued under the old path (RevokePrefix in
      // remountSecretsEngine / remountCredential), then moves the entry.
      for (const t of Object.values(state.tokens))
        if (t.path.startsWith(from)) tokens.revokeTree(t.id);
      entry.path = to;
      mounts.add(entry);
      backends.set(to, instantiate(entry));
      for (const a of identity.listAliases())
        if (a.mountAccessor === entry.accessor) a.mountPath = to;
      return entry;
    },
    identityPolicies,
    aclFor(entry): Acl {
      const names = [...entry.policies, ...identityPolicies(entry)];
      const key = `${names.join(',')}|${entry.entityId}|${policies.generation()}|${identity.generation()}`;
      const cached = aclCache.get(entry.id);
      if (cached && cached.key === key) return cached.acl;
      const found = names
        .map((n) => policies.get(n))
        .filter((p): p is Policy => p !== undefined);
      const entity = entry.entityId
        ? identity.entityById(entry.entityId)
        : undefined;
      const acl = createAcl(found, {
        entity,
        aliases: entity ? identity.aliasesOf(entity.id) : [],
      });
      if (aclCache.size > 10_000) aclCache.clear();
      aclCache.set(entry.id, { key, acl });
      return acl;
    },
    apiAddress: options.apiAddress,
  };

  function instantiate(entry: MountEntry): Backend {
    if (entry.type === 'system')
      return createSysBackend(internals, options.seal);
    if (entry.type === 'token') return createTokenBackend(internals);
    if (entry.type === 'cubbyhole')
      return createCubbyholeBackend(
        servicesFor(entry).state<CubbyholeState>(() => ({ byToken: {} })),
        tokens,
      );
    const factory = options.factories[MOUNT_ALIASES[entry.type] ?? entry.type];
    if (!factory)
      throw new Error(
        `no engine registered for mount type "${entry.type}" at ${entry.path}`,
      );
    return factory(servicesFor(entry), {
      path: entry.path,
      accessor: entry.accessor,
      options: entry.options,
    });
  }

  for (const entry of [...state.mounts]) {
    const backend = instantiate(entry);
    mounts.add(entry);
    backends.set(entry.path, backend);
  }

  return { handle: createRequestPipeline(internals), internals };
}
