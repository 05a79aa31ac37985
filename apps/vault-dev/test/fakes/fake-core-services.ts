/**
 * An in-memory CoreServices for engine unit tests: a settable clock, a real identity
 * store (entities, aliases by mount accessor), a token table and a state slice.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AliasRecord,
  BackendRequest,
  CallerToken,
  CoreServices,
  EntityRecord,
  IdentityAccess,
  Operation,
} from '../../src/core/backend';

export interface FakeMount {
  path: string;
  type: string;
  accessor: string;
}

export interface FakeCore extends CoreServices {
  /** Moves the clock forward. */
  advance(ms: number): void;
  persistCount(): number;
  addToken(token: CallerToken): void;
  mounts: FakeMount[];
}

export function createFakeCore(
  options: { nowMs?: number; apiAddress?: string; mounts?: FakeMount[] } = {},
): FakeCore {
  let now = options.nowMs ?? Date.UTC(2026, 0, 1, 12, 0, 0);
  let persisted = 0;
  let slice: object | undefined;
  const tokens = new Map<string, CallerToken>();
  const mounts = options.mounts ?? [
    {
      path: 'auth/approle/',
      type: 'approle',
      accessor: 'auth_approle_1a2b3c4d',
    },
    {
      path: 'auth/userpass/',
      type: 'userpass',
      accessor: 'auth_userpass_5e6f7a8b',
    },
    { path: 'auth/jwt/', type: 'jwt', accessor: 'auth_jwt_9c0d1e2f' },
  ];
  const base62 =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return {
    mounts,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    uuid: () => randomUUID(),
    randomBase62: (length) =>
      [...randomBytes(length)].map((b) => base62[b % 62]).join(''),
    state<T extends object>(init: () => T): T {
      slice ??= init();
      return slice as T;
    },
    persist: async () => {
      persisted += 1;
    },
    persistCount: () => persisted,
    identity: createFakeIdentity(() => now, mounts),
    tokens: {
      lookup: (id) => tokens.get(id),
      revoke: (id) => {
        tokens.delete(id);
      },
    },
    addToken: (token) => {
      tokens.set(token.id, token);
    },
    mountByPath: (path) =>
      mounts.find((m) => m.path === path || m.path === `${path}/`),
    apiAddress: () => options.apiAddress ?? 'http://127.0.0.1:8200',
  };
}

function createFakeIdentity(
  now: () => number,
  mounts: FakeMount[],
): IdentityAccess {
  const entities = new Map<string, EntityRecord>();
  const aliases = new Map<string, AliasRecord>();
  const stamp = () => new Date(now()).toISOString();
  const mountOf = (accessor: string) => {
    const mount = mounts.find((m) => m.accessor === accessor);
    if (!mount) throw new Error(`invalid mount accessor "${accessor}"`);
    return mount;
  };
  return {
    entityById: (id) => entities.get(id),
    entityByName: (name) => [...entities.values()].find((e) => e.name === name),
    listEntities: () => [...entities.values()],
    createEntity(fields) {
      const id = randomUUID();
      const entity: EntityRecord = {
        id,
        name: fields.name ?? `entity_${id.slice(0, 8)}`,
        metadata: fields.metadata ?? {},
        policies: fields.policies ?? [],
        disabled: fields.disabled ?? false,
        creationTime: stamp(),
        lastUpdateTime: stamp(),
      };
      entities.set(id, entity);
      return entity;
    },
    updateEntity(id, fields) {
      const entity = entities.get(id);
      if (!entity) throw new Error('entity not found');
      Object.assign(entity, fields, { lastUpdateTime: stamp() });
      return entity;
    },
    deleteEntity(id) {
      entities.delete(id);
      for (const alias of [...aliases.values()])
        if (alias.canonicalId === id) aliases.delete(alias.id);
    },
    aliasById: (id) => aliases.get(id),
    aliasesOf: (entityId) =>
      [...aliases.values()].filter((a) => a.canonicalId === entityId),
    aliasByFactors: (accessor, name) =>
      [...aliases.values()].find(
        (a) => a.mountAccessor === accessor && a.name === name,
      ),
    listAliases: () => [...aliases.values()],
    createAlias(fields) {
      const mount = mountOf(fields.mountAccessor);
      const alias: AliasRecord = {
        id: randomUUID(),
        canonicalId: fields.canonicalId,
        mountAccessor: mount.accessor,
        mountPath: mount.path,
        mountType: mount.type,
        name: fields.name,
        metadata: fields.metadata ?? {},
        customMetadata: fields.customMetadata ?? {},
        creationTime: stamp(),
        lastUpdateTime: stamp(),
      };
      aliases.set(alias.id, alias);
      return alias;
    },
    updateAlias(id, fields) {
      const alias = aliases.get(id);
      if (!alias) throw new Error('alias not found');
      Object.assign(alias, fields, { lastUpdateTime: stamp() });
      return alias;
    },
    deleteAlias: (id) => {
      aliases.delete(id);
    },
  };
}

/** Builds a BackendRequest the way the core would hand it to a backend. */
export function backendRequest(
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  extra: Partial<BackendRequest> = {},
): BackendRequest {
  return {
    operation,
    path,
    data,
    mountPath: 'auth/approle/',
    mountAccessor: 'auth_approle_1a2b3c4d',
    caller: null,
    remoteAddress: '127.0.0.1',
    wrapTtlSeconds: 0,
    headers: {},
    ...extra,
  };
}
