/**
 * identity/entity*, identity/entity-alias* and identity/lookup/entity (reference §7).
 * The store itself lives in the core (logins create entities too); these are its HTTP views.
 */
import {
  VaultError,
  type AliasRecord,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
  type EntityRecord,
} from '../../core/backend';
import {
  badField,
  parseBool,
  parseString,
  parseStringList,
  parseStringMap,
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';

type EntityFields = Partial<
  Pick<EntityRecord, 'name' | 'metadata' | 'policies' | 'disabled'>
>;

export function createEntityHandlers(core: CoreServices) {
  const id = core.identity;

  function entityFields(d: Record<string, unknown>): EntityFields {
    const fields: EntityFields = {};
    if (d['name'] !== undefined) fields.name = parseString(d['name'], 'name');
    if (d['metadata'] !== undefined)
      fields.metadata = parseMetadata(d['metadata'], 'metadata');
    if (d['policies'] !== undefined)
      fields.policies = parseStringList(d['policies'], 'policies');
    if (d['disabled'] !== undefined)
      fields.disabled = parseBool(d['disabled'], 'disabled');
    return fields;
  }

  function aliasView(a: AliasRecord): Record<string, unknown> {
    return {
      id: a.id,
      canonical_id: a.canonicalId,
      name: a.name,
      mount_accessor: a.mountAccessor,
      mount_path: a.mountPath,
      mount_type: a.mountType,
      metadata: a.metadata,
      custom_metadata: a.customMetadata,
      creation_time: a.creationTime,
      last_update_time: a.lastUpdateTime,
      local: false,
      merged_from_canonical_ids: null,
    };
  }

  function entityView(e: EntityRecord): BackendResponse {
    return {
      kind: 'data',
      data: {
        id: e.id,
        name: e.name,
        metadata: e.metadata,
        policies: e.policies,
        disabled: e.disabled,
        aliases: id.aliasesOf(e.id).map(aliasView),
        creation_time: e.creationTime,
        last_update_time: e.lastUpdateTime,
        direct_group_ids: [],
        group_ids: [],
        inherited_group_ids: [],
        merged_entity_ids: null,
        namespace_id: 'root',
      },
    };
  }

  async function upsertEntity(req: BackendRequest): Promise<BackendResponse> {
    const fields = entityFields(req.data);
    const byId =
      req.data['id'] !== undefined
        ? id.entityById(parseString(req.data['id'], 'id'))
        : undefined;
    if (req.data['id'] !== undefined && !byId)
      badField('entity not found from id');
    const existing =
      byId ?? (fields.name ? id.entityByName(fields.name) : undefined);
    if (existing) {
      if (
        fields.name &&
        fields.name !== existing.name &&
        id.entityByName(fields.name)
      )
        badField('entity name is already in use');
      id.updateEntity(existing.id, fields);
      await core.persist();
      return { kind: 'empty' };
    }
    const created = id.createEntity(fields);
    await core.persist();
    return {
      kind: 'data',
      data: { id: created.id, name: created.name, aliases: null },
    };
  }

  async function updateEntity(
    entity: EntityRecord | undefined,
    req: BackendRequest,
  ): Promise<BackendResponse> {
    if (!entity) throw new VaultError(400, ['entity not found from id']);
    const fields = entityFields(req.data);
    if (
      fields.name &&
      fields.name !== entity.name &&
      id.entityByName(fields.name)
    )
      badField('entity name is already in use');
    id.updateEntity(entity.id, fields);
    await core.persist();
    return { kind: 'empty' };
  }

  async function deleteEntity(
    entity: EntityRecord | undefined,
  ): Promise<BackendResponse> {
    if (entity) {
      id.deleteEntity(entity.id);
      await core.persist();
    }
    return { kind: 'empty' };
  }

  function listEntitiesById(): BackendResponse {
    const entities = id.listEntities();
    const info = Object.fromEntries(
      entities.map((e) => [
        e.id,
        {
          name: e.name,
          aliases: id.aliasesOf(e.id).map((a) => ({
            id: a.id,
            mount_accessor: a.mountAccessor,
            mount_path: a.mountPath,
            mount_type: a.mountType,
            name: a.name,
          })),
        },
      ]),
    );
    return listResponse(entities.map((e) => e.id).sort(), info);
  }

  async function createAlias(req: BackendRequest): Promise<BackendResponse> {
    const d = req.data;
    if (d['id'] !== undefined)
      return updateAlias(id.aliasById(parseString(d['id'], 'id')), req);
    const name = d['name'] === undefined ? '' : parseString(d['name'], 'name');
    const mountAccessor =
      d['mount_accessor'] === undefined
        ? ''
        : parseString(d['mount_accessor'], 'mount_accessor');
    if (name === '') badField('missing alias name');
    if (mountAccessor === '') badField('missing mount_accessor');
    const existing = id.aliasByFactors(mountAccessor, name);
    if (existing)
      badField(
        `alias with combination of mount accessor and name already exists for entity "${existing.canonicalId}"`,
      );
    let canonicalId =
      d['canonical_id'] === undefined
        ? ''
        : parseString(d['canonical_id'], 'canonical_id');
    if (canonicalId !== '' && !id.entityById(canonicalId))
      badField('invalid canonical ID');
    // Vault creates an entity for an alias written without canonical_id.
    const customMetadata =
      d['custom_metadata'] === undefined
        ? undefined
        : parseMetadata(d['custom_metadata'], 'custom_metadata');
    const createdEntityId =
      canonicalId === '' ? id.createEntity({}).id : undefined;
    canonicalId ||= createdEntityId ?? '';
    const alias = createAliasChecked(
      () =>
        id.createAlias({ canonicalId, mountAccessor, name, customMetadata }),
      () => {
        if (createdEntityId) id.deleteEntity(createdEntityId);
      },
    );
    await core.persist();
    return {
      kind: 'data',
      data: { id: alias.id, canonical_id: alias.canonicalId },
    };
  }

  async function updateAlias(
    alias: AliasRecord | undefined,
    req: BackendRequest,
  ): Promise<BackendResponse> {
    if (!alias) throw new VaultError(400, ['invalid alias ID provided']);
    const d = req.data;
    const fields: Partial<
      Pick<AliasRecord, 'name' | 'canonicalId' | 'customMetadata'>
    > = {};
    if (d['name'] !== undefined) fields.name = parseString(d['name'], 'name');
    if (d['canonical_id'] !== undefined) {
      fields.canonicalId = parseString(d['canonical_id'], 'canonical_id');
      if (!id.entityById(fields.canonicalId)) badField('invalid canonical ID');
    }
    if (d['custom_metadata'] !== undefined)
      fields.customMetadata = parseMetadata(
        d['custom_metadata'],
        'custom_metadata',
      );
    id.updateAlias(alias.id, fields);
    await core.persist();
    return { kind: 'empty' };
  }

  function lookupEntity(req: BackendRequest): BackendResponse {
    const d = req.data;
    const str = (k: string) => (d[k] === undefined ? '' : parseString(d[k], k));
    const given = ['name', 'id', 'alias_id', 'alias_name'].filter(
      (k) => str(k) !== '',
    );
    if (given.length === 0)
      badField('missing name, id, alias_id, or alias_name');
    if (given.length > 1)
      badField(
        'query parameters name, id, alias_id and alias_name are mutually exclusive',
      );
    let entity: EntityRecord | undefined;
    if (given[0] === 'name') entity = id.entityByName(str('name'));
    else if (given[0] === 'id') entity = id.entityById(str('id'));
    else {
      const alias =
        given[0] === 'alias_id'
          ? id.aliasById(str('alias_id'))
          : lookupAliasByName(str('alias_name'), str('alias_mount_accessor'));
      entity = alias ? id.entityById(alias.canonicalId) : undefined;
    }
    // No match is a 204, not a 404 (§7).
    return entity ? entityView(entity) : { kind: 'empty' };
  }

  function lookupAliasByName(
    name: string,
    accessor: string,
  ): AliasRecord | undefined {
    if (accessor === '') badField('missing alias_mount_accessor');
    return id.aliasByFactors(accessor, name);
  }

  return {
    upsertEntity,
    listEntitiesById,
    readEntityById: (_r: BackendRequest, [eid]: string[]) =>
      entityView(id.entityById(eid) ?? notFound()),
    updateEntityById: (r: BackendRequest, [eid]: string[]) =>
      updateEntity(id.entityById(eid), r),
    deleteEntityById: (_r: BackendRequest, [eid]: string[]) =>
      deleteEntity(id.entityById(eid)),
    readEntityByName: (_r: BackendRequest, [n]: string[]) =>
      entityView(id.entityByName(n) ?? notFound()),
    // Writing entity/name/:name creates the entity when the name is new (Vault's upsert by name).
    updateEntityByName: (r: BackendRequest, [n]: string[]) =>
      id.entityByName(n)
        ? updateEntity(id.entityByName(n), r)
        : upsertEntity({ ...r, data: { ...r.data, name: n } }),
    deleteEntityByName: (_r: BackendRequest, [n]: string[]) =>
      deleteEntity(id.entityByName(n)),
    listEntitiesByName: () =>
      listResponse(
        id
          .listEntities()
          .map((e) => e.name)
          .sort(),
      ),
    createAlias,
    readAlias: (_r: BackendRequest, [aid]: string[]): BackendResponse => ({
      kind: 'data',
      data: aliasView(id.aliasById(aid) ?? notFound()),
    }),
    updateAliasById: (r: BackendRequest, [aid]: string[]) =>
      updateAlias(id.aliasById(aid), r),
    deleteAlias: async (
      _r: BackendRequest,
      [aid]: string[],
    ): Promise<BackendResponse> => {
      if (id.aliasById(aid)) {
        id.deleteAlias(aid);
        await core.persist();
      }
      return { kind: 'empty' };
    },
    listAliases: () => {
      const aliases = id.listAliases();
      const info = Object.fromEntries(
        aliases.map((a) => [
          a.id,
          {
            canonical_id: a.canonicalId,
            mount_accessor: a.mountAccessor,
            mount_path: a.mountPath,
            mount_type: a.mountType,
            name: a.name,
          },
        ]),
      );
      return listResponse(aliases.map((a) => a.id).sort(), info);
    },
    lookupEntity,
  };
}

/** Metadata may also come as the CLI's list of `k=v` strings. */
function parseMetadata(value: unknown, field: string): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((pair) => {
        const text = parseString(pair, field);
        const at = text.indexOf('=');
        if (at <= 0)
          badField(
            `error converting input for field "${field}": expected key=value pairs`,
          );
        return [text.slice(0, at), text.slice(at + 1)];
      }),
    );
  }
  return parseStringMap(value, field);
}

/** The core rejects an unknown mount accessor; surface that as a 400, not a 500. */
function createAliasChecked(
  create: () => AliasRecord,
  undo: () => void,
): AliasRecord {
  try {
    return create();
  } catch (e) {
    undo();
    if (e instanceof VaultError) throw e;
    throw new VaultError(400, [(e as Error).message]);
  }
}
