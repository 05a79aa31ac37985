/**
 * identity/entity* and identity/lookup/entity (Vault docs: Identity secrets engine API).
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
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import { aliasView, parseMetadata } from './identity-views';

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
    lookupEntity,
  };
}
