import { camelize } from '../transport';
import { dataOf, joinPath, snakeFields, type VaultCaller } from './caller';
import { createIdentityOidcApi, type IdentityOidcApi } from './identity-oidc';

export interface EntityAlias {
  id: string;
  canonicalId: string;
  name: string;
  mountAccessor: string;
  mountPath: string;
  mountType: string;
  metadata: Record<string, string> | null;
  customMetadata: Record<string, string> | null;
}

export interface Entity {
  id: string;
  name: string;
  metadata: Record<string, string> | null;
  policies: string[] | null;
  disabled: boolean;
  aliases: EntityAlias[];
  creationTime: string;
  lastUpdateTime: string;
}

export interface EntityInput {
  name?: string;
  metadata?: Record<string, string>;
  policies?: string[];
  disabled?: boolean;
}

export type EntityLookup =
  | { name: string }
  | { id: string }
  | { aliasId: string }
  | { aliasName: string; aliasMountAccessor: string };

export interface IdentityApi {
  createEntity(
    fields: EntityInput & { name: string },
  ): Promise<{ id: string; name: string }>;
  readEntity(id: string): Promise<Entity | undefined>;
  readEntityByName(name: string): Promise<Entity | undefined>;
  updateEntity(id: string, fields: EntityInput): Promise<void>;
  deleteEntity(id: string): Promise<void>;
  /** Entity ids; [] when none. */
  listEntities(): Promise<string[]>;
  listEntityNames(): Promise<string[]>;
  createEntityAlias(fields: {
    name: string;
    canonicalId: string;
    mountAccessor: string;
    customMetadata?: Record<string, string>;
  }): Promise<{ id: string }>;
  readEntityAlias(id: string): Promise<EntityAlias | undefined>;
  deleteEntityAlias(id: string): Promise<void>;
  lookupEntity(by: EntityLookup): Promise<Entity | undefined>;
  oidc: IdentityOidcApi;
}

const OPAQUE = ['metadata', 'custom_metadata'];

function toEntity(d: Record<string, unknown>): Entity {
  const e = camelize<Entity>(d, OPAQUE);
  return { ...e, aliases: e.aliases ?? [], disabled: Boolean(e.disabled) };
}

/** Identity entities, aliases and lookups (Vault docs: Identity secrets engine API). */
export function createIdentityApi(caller: VaultCaller): IdentityApi {
  const op = (name: string) => `identity.${name}`;
  const readOr404 = async (path: string, name: string) => {
    const res = await caller.send({
      method: 'GET',
      path,
      okStatuses: [404],
      operation: op(name),
    });
    return res.status === 404 ? undefined : dataOf(res);
  };
  const listKeys = async (path: string, name: string) => {
    const res = await caller.send({
      method: 'LIST',
      path,
      okStatuses: [404],
      operation: op(name),
    });
    return res.status === 404
      ? []
      : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
  };
  return {
    async createEntity(fields) {
      const res = await caller.send({
        method: 'POST',
        path: 'identity/entity',
        body: snakeFields(fields),
        operation: op('createEntity'),
      });
      // An existing name is updated in place and answers 204 without the id.
      if (res.status === 204) {
        const existing = await readOr404(
          joinPath('identity/entity/name', fields.name),
          'readEntityByName',
        );
        return { id: String(existing?.['id']), name: fields.name };
      }
      const d = dataOf(res);
      return { id: String(d['id']), name: String(d['name']) };
    },
    async readEntity(id) {
      const d = await readOr404(
        joinPath('identity/entity/id', id),
        'readEntity',
      );
      return d && toEntity(d);
    },
    async readEntityByName(name) {
      const d = await readOr404(
        joinPath('identity/entity/name', name),
        'readEntityByName',
      );
      return d && toEntity(d);
    },
    async updateEntity(id, fields) {
      await caller.send({
        method: 'POST',
        path: joinPath('identity/entity/id', id),
        body: snakeFields(fields),
        idempotent: true,
        operation: op('updateEntity'),
      });
    },
    async deleteEntity(id) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('identity/entity/id', id),
        operation: op('deleteEntity'),
      });
    },
    listEntities: () => listKeys('identity/entity/id/', 'listEntities'),
    listEntityNames: () => listKeys('identity/entity/name/', 'listEntityNames'),
    async createEntityAlias(fields) {
      const res = await caller.send({
        method: 'POST',
        path: 'identity/entity-alias',
        body: snakeFields(fields),
        operation: op('createEntityAlias'),
      });
      return { id: String(dataOf(res)['id']) };
    },
    async readEntityAlias(id) {
      const d = await readOr404(
        joinPath('identity/entity-alias/id', id),
        'readEntityAlias',
      );
      return d && camelize<EntityAlias>(d, OPAQUE);
    },
    async deleteEntityAlias(id) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('identity/entity-alias/id', id),
        operation: op('deleteEntityAlias'),
      });
    },
    async lookupEntity(by) {
      // A lookup reads nothing, so repeating it after a network error is safe.
      const res = await caller.send({
        method: 'POST',
        path: 'identity/lookup/entity',
        body: snakeFields(by),
        idempotent: true,
        operation: op('lookupEntity'),
      });
      return res.status === 204 || !res.body
        ? undefined
        : toEntity(dataOf(res));
    },
    oidc: createIdentityOidcApi(caller),
  };
}
