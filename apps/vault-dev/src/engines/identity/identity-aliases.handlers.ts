/** identity/entity-alias* (Vault docs: Identity secrets engine API): aliases tie an auth mount's login name to an entity. */
import {
  VaultError,
  type AliasRecord,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import { badField, parseString } from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import { aliasView, parseMetadata } from './identity-views';

export function createAliasHandlers(core: CoreServices) {
  const id = core.identity;

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
      Pick<
        AliasRecord,
        'name' | 'canonicalId' | 'mountAccessor' | 'customMetadata'
      >
    > = {};
    if (d['name'] !== undefined) fields.name = parseString(d['name'], 'name');
    if (d['mount_accessor'] !== undefined) {
      const accessor = parseString(d['mount_accessor'], 'mount_accessor');
      if (accessor !== '') fields.mountAccessor = accessor;
    }
    if (d['canonical_id'] !== undefined) {
      fields.canonicalId = parseString(d['canonical_id'], 'canonical_id');
      if (!id.entityById(fields.canonicalId)) badField('invalid canonical ID');
    }
    if (d['custom_metadata'] !== undefined)
      fields.customMetadata = parseMetadata(
        d['custom_metadata'],
        'custom_metadata',
      );
    // Vault's handleAliasUpdate: nil (204) when nothing changes, else the alias and entity ids.
    const comparable = (a: AliasRecord) =>
      JSON.stringify({ ...a, lastUpdateTime: '' });
    const before = comparable(alias);
    const updated = id.updateAlias(alias.id, fields);
    const changed = comparable(updated) !== before;
    await core.persist();
    if (!changed) return { kind: 'empty' };
    return {
      kind: 'data',
      data: { id: updated.id, canonical_id: updated.canonicalId },
    };
  }

  return {
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
  };
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
