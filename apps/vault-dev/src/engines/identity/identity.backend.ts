/** The identity secrets engine (Vault docs: Identity secrets engine API): entities, aliases, lookup and OIDC identity tokens. */
import type { Backend, BackendFactory } from '../../core/backend';
import { createRouteTable, SEGMENT } from '../approle/route-table';
import { createAliasHandlers } from './identity-aliases.handlers';
import { createEntityHandlers } from './identity-entities.handlers';
import { createOidcKeyHandlers } from './oidc-keys.handlers';
import { createOidcTokenHandlers } from './oidc-tokens.handlers';
import { loadOidcState } from './oidc.state';

/** Fields of an entity-alias write, by name or by id (identity/entity-alias API). */
const ALIAS_FIELDS = [
  'id',
  'name',
  'canonical_id',
  'mount_accessor',
  'custom_metadata',
];

/** Creates the identity backend; its OIDC keys and roles are this mount's state, entities are the core's. */
export const createIdentityBackend: BackendFactory = (core): Backend => {
  const state = loadOidcState(core);
  const entities = createEntityHandlers(core);
  const aliases = createAliasHandlers(core);
  const keys = createOidcKeyHandlers(core, state);
  const tokens = createOidcTokenHandlers(core, state);
  const route = createRouteTable([
    {
      pattern: /^entity$/,
      fields: ['id', 'name', 'metadata', 'policies', 'disabled'],
      ops: { write: entities.upsertEntity },
    },
    { pattern: /^entity\/id$/, ops: { list: entities.listEntitiesById } },
    {
      pattern: new RegExp(`^entity/id/${SEGMENT}$`),
      fields: ['id', 'name', 'metadata', 'policies', 'disabled'],
      ops: {
        read: entities.readEntityById,
        write: entities.updateEntityById,
        delete: entities.deleteEntityById,
      },
    },
    { pattern: /^entity\/name$/, ops: { list: entities.listEntitiesByName } },
    {
      pattern: new RegExp(`^entity/name/${SEGMENT}$`),
      fields: ['id', 'name', 'metadata', 'policies', 'disabled'],
      ops: {
        read: entities.readEntityByName,
        write: entities.updateEntityByName,
        delete: entities.deleteEntityByName,
      },
    },
    {
      pattern: /^entity-alias$/,
      fields: ALIAS_FIELDS,
      ops: { write: aliases.createAlias },
    },
    { pattern: /^entity-alias\/id$/, ops: { list: aliases.listAliases } },
    {
      pattern: new RegExp(`^entity-alias/id/${SEGMENT}$`),
      fields: ALIAS_FIELDS,
      ops: {
        read: aliases.readAlias,
        write: aliases.updateAliasById,
        delete: aliases.deleteAlias,
      },
    },
    {
      pattern: /^lookup\/entity$/,
      fields: ['name', 'id', 'alias_id', 'alias_name', 'alias_mount_accessor'],
      ops: { write: entities.lookupEntity },
    },
    {
      pattern: /^oidc\/config$/,
      fields: ['issuer'],
      ops: { read: keys.readConfig, write: keys.writeConfig },
    },
    { pattern: /^oidc\/key$/, ops: { list: keys.listKeys } },
    {
      pattern: new RegExp(`^oidc/key/${SEGMENT}$`),
      fields: [
        'name',
        'rotation_period',
        'verification_ttl',
        'algorithm',
        'allowed_client_ids',
      ],
      ops: { read: keys.readKey, write: keys.writeKey, delete: keys.deleteKey },
    },
    {
      pattern: new RegExp(`^oidc/key/${SEGMENT}/rotate$`),
      fields: ['name', 'verification_ttl'],
      ops: { write: keys.rotate },
    },
    { pattern: /^oidc\/role$/, ops: { list: tokens.listRoles } },
    {
      pattern: new RegExp(`^oidc/role/${SEGMENT}$`),
      fields: ['name', 'key', 'template', 'client_id', 'ttl'],
      ops: {
        read: tokens.readRole,
        write: tokens.writeRole,
        delete: tokens.deleteRole,
      },
    },
    {
      pattern: new RegExp(`^oidc/token/${SEGMENT}$`),
      ops: { read: tokens.generateToken },
    },
    { pattern: /^oidc\/\.well-known\/keys$/, ops: { read: tokens.jwks } },
    {
      pattern: /^oidc\/\.well-known\/openid-configuration$/,
      ops: { read: tokens.discovery },
    },
    {
      pattern: /^oidc\/introspect$/,
      fields: ['token', 'client_id'],
      ops: { write: tokens.introspect },
    },
  ]);
  return {
    type: 'identity',
    // Discovery and JWKS are public so any verifier can fetch them (§7).
    unauthenticatedPaths: ['oidc/.well-known/*'],
    handle: route,
  };
};
