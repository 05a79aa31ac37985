/**
 * The identity store (Vault docs: Identity secrets engine API): entities and their aliases, shared by the core
 * (logins create entity + alias, ACL templates read them) and the identity engine's
 * HTTP endpoints.
 */
import {
  VaultError,
  type AliasRecord,
  type EntityRecord,
  type IdentityAccess,
} from '../backend';
import { randomHex, uuid } from '../util/ids';
import { rfc3339 } from '../util/time-format';
import type { MountTable } from '../mounts/mount-table';
import type { VaultState } from '../state/vault-state';

export interface IdentityStoreOptions {
  state: VaultState['identity'];
  mounts: MountTable;
  now: () => number;
  /** Called after an entity is deleted so its tokens are revoked. */
  onEntityDeleted: (entityId: string) => void;
}

export type IdentityStore = IdentityAccess & {
  /** Finds the alias for (mount, name) or creates entity + alias; refreshes the alias metadata. */
  entityForLogin(
    mountAccessor: string,
    aliasName: string,
    metadata: Record<string, string>,
  ): EntityRecord;
  /** Bumped on every mutation, so cached ACLs (templating) know to recompile. */
  generation(): number;
};

export function createIdentityStore(
  options: IdentityStoreOptions,
): IdentityStore {
  const { state, mounts, now } = options;
  let generation = 0;
  const stamp = (): string => {
    generation += 1;
    return rfc3339(now());
  };

  const entityById = (id: string): EntityRecord | undefined =>
    state.entities[id];
  const entityByName = (name: string): EntityRecord | undefined =>
    Object.values(state.entities).find(
      (e) => e.name.toLowerCase() === name.toLowerCase(),
    );

  const createEntity: IdentityAccess['createEntity'] = (fields) => {
    const name = fields.name ?? `entity_${randomHex(8)}`;
    if (entityByName(name))
      throw new VaultError(400, [`entity with name "${name}" already exists`]);
    const t = stamp();
    const entity: EntityRecord = {
      id: uuid(),
      name,
      metadata: fields.metadata ?? {},
      policies: fields.policies ?? [],
      disabled: fields.disabled ?? false,
      creationTime: t,
      lastUpdateTime: t,
    };
    state.entities[entity.id] = entity;
    return entity;
  };

  const updateEntity: IdentityAccess['updateEntity'] = (id, fields) => {
    const entity = state.entities[id];
    if (!entity) throw new VaultError(404, []);
    if (fields.name !== undefined && fields.name !== entity.name) {
      const other = entityByName(fields.name);
      if (other && other.id !== id)
        throw new VaultError(400, [`entity name is already in use`]);
      entity.name = fields.name;
    }
    if (fields.metadata !== undefined) entity.metadata = fields.metadata;
    if (fields.policies !== undefined) entity.policies = fields.policies;
    if (fields.disabled !== undefined) entity.disabled = fields.disabled;
    entity.lastUpdateTime = stamp();
    return entity;
  };

  const aliasesOf = (entityId: string): AliasRecord[] =>
    Object.values(state.aliases).filter((a) => a.canonicalId === entityId);
  const aliasByFactors = (
    mountAccessor: string,
    name: string,
  ): AliasRecord | undefined =>
    Object.values(state.aliases).find(
      (a) => a.mountAccessor === mountAccessor && a.name === name,
    );

  const createAlias: IdentityAccess['createAlias'] = (fields) => {
    const mount = mounts.byAccessor(fields.mountAccessor);
    if (!mount)
      throw new VaultError(400, [
        'invalid mount accessor "' + fields.mountAccessor + '"',
      ]);
    if (!state.entities[fields.canonicalId])
      throw new VaultError(400, [
        'invalid canonical ID "' + fields.canonicalId + '"',
      ]);
    if (aliasByFactors(fields.mountAccessor, fields.name)) {
      throw new VaultError(400, [
        'alias with combination of mount accessor and name already exists',
      ]);
    }
    const t = stamp();
    const alias: AliasRecord = {
      id: uuid(),
      canonicalId: fields.canonicalId,
      mountAccessor: mount.accessor,
      mountPath: mount.path,
      mountType: mount.type,
      name: fields.name,
      metadata: fields.metadata ?? {},
      customMetadata: fields.customMetadata ?? {},
      creationTime: t,
      lastUpdateTime: t,
    };
    state.aliases[alias.id] = alias;
    return alias;
  };

  const updateAlias: IdentityAccess['updateAlias'] = (id, fields) => {
    const alias = state.aliases[id];
    if (!alias) throw new VaultError(404, []);
    if (fields.canonicalId !== undefined) {
      if (!state.entities[fields.canonicalId])
        throw new VaultError(400, [
          'invalid canonical ID "' + fields.canonicalId + '"',
        ]);
      alias.canonicalId = fields.canonicalId;
    }
    if (
      fields.mountAccessor !== undefined &&
      fields.mountAccessor !== alias.mountAccessor
    ) {
      // Vault checks the new accessor against the mount table (identity store_aliases.go handleAliasUpdate).
      const target = fields.mountAccessor;
      if (
        aliasesOf(alias.canonicalId).some(
          (a) => a.id !== alias.id && a.mountAccessor === target,
        )
      ) {
        throw new VaultError(400, [
          "Alias cannot be updated as the entity already has an alias for the given 'mount_accessor' ",
        ]);
      }
      const mount = mounts.byAccessor(target);
      if (!mount)
        throw new VaultError(400, ['invalid mount accessor "' + target + '"']);
      const clash = aliasByFactors(mount.accessor, fields.name ?? alias.name);
      if (clash && clash.id !== alias.id)
        throw new VaultError(400, [
          'alias with combination of mount accessor and name already exists',
        ]);
      alias.mountAccessor = mount.accessor;
      alias.mountPath = mount.path;
      alias.mountType = mount.type;
    }
    if (fields.name !== undefined) alias.name = fields.name;
    if (fields.metadata !== undefined) alias.metadata = fields.metadata;
    if (fields.customMetadata !== undefined)
      alias.customMetadata = fields.customMetadata;
    alias.lastUpdateTime = stamp();
    return alias;
  };

  return {
    entityById,
    entityByName,
    listEntities: () => Object.values(state.entities),
    createEntity,
    updateEntity,
    generation: () => generation,
    deleteEntity(id) {
      if (!state.entities[id]) return;
      generation += 1;
      for (const alias of aliasesOf(id)) delete state.aliases[alias.id];
      delete state.entities[id];
      options.onEntityDeleted(id);
    },
    aliasById: (id) => state.aliases[id],
    aliasesOf,
    aliasByFactors,
    listAliases: () => Object.values(state.aliases),
    createAlias,
    updateAlias,
    deleteAlias(id) {
      generation += 1;
      delete state.aliases[id];
    },
    entityForLogin(mountAccessor, aliasName, metadata) {
      const existing = aliasByFactors(mountAccessor, aliasName);
      if (existing && state.entities[existing.canonicalId]) {
        // All logins share one alias, so its metadata reflects the last login (hashicorp/vault#27586).
        existing.metadata = metadata;
        existing.lastUpdateTime = stamp();
        return state.entities[existing.canonicalId];
      }
      const entity = createEntity({});
      createAlias({
        canonicalId: entity.id,
        mountAccessor,
        name: aliasName,
        metadata,
      });
      return entity;
    },
  };
}
