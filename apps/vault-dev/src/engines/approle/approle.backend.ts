/** The AppRole auth method (Vault docs: AppRole auth API), one instance per mount. */
import {
  VaultError,
  type Backend,
  type BackendFactory,
} from '../../core/backend';
import { loginTtls, TOKEN_FIELDS } from './token-params';
import { loadAppRoleState, tidyExpired } from './approle.state';
import { createRoleHandlers } from './approle-roles.handlers';
import { createSecretIdHandlers } from './approle-secret-ids.handlers';
import { createLoginHandler } from './approle-login.handler';
import {
  ROLE_FIELD_SEGMENTS,
  ROLE_FIELD_TABLE,
  createRoleFieldHandlers,
} from './approle-role-fields.handlers';
import { createRouteTable, multiError } from './route-table';

/** Vault's role-name pattern; other names are simply not routed. */
const ROLE = '(\\w(?:[\\w.-]*\\w)?)';

/** The fields of role/:role_name (path_role.go), legacy names included. */
const ROLE_WRITE_FIELDS = [
  'role_name',
  'bind_secret_id',
  'bound_cidr_list',
  'secret_id_bound_cidrs',
  'secret_id_num_uses',
  'secret_id_ttl',
  'local_secret_ids',
  'role_id',
  ...TOKEN_FIELDS,
];
const SECRET_ID_FIELDS = [
  'role_name',
  'metadata',
  'cidr_list',
  'token_bound_cidrs',
  'num_uses',
  'ttl',
];

/** role/:role_name/<field>: the role name and that field (with its legacy name). */
function roleFieldFields(segment: string): string[] {
  const [field, , alias] = ROLE_FIELD_TABLE[segment] ?? [];
  return ['role_name', ...(field ? [field] : []), ...(alias ? [alias] : [])];
}

/** Creates an AppRole backend bound to one mount's state. */
export const createAppRoleBackend: BackendFactory = (core): Backend => {
  const state = loadAppRoleState(core);
  const roles = createRoleHandlers(core, state);
  const secretIds = createSecretIdHandlers(core, state, roles.roleOrThrow);
  const fields = createRoleFieldHandlers(roles);
  const FIELD = `(${ROLE_FIELD_SEGMENTS.join('|')})`;
  const route = createRouteTable([
    {
      pattern: /^login$/,
      fields: ['role_id', 'secret_id'],
      ops: { write: createLoginHandler(core, state) },
    },
    { pattern: /^role$/, ops: { list: roles.listRoles } },
    {
      pattern: new RegExp(`^role/${ROLE}$`),
      fields: ROLE_WRITE_FIELDS,
      ops: {
        read: roles.readRole,
        write: roles.writeRole,
        delete: roles.deleteRole,
      },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/role-id$`),
      fields: ['role_name', 'role_id'],
      ops: { read: roles.readRoleId, write: roles.writeRoleId },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id$`),
      fields: SECRET_ID_FIELDS,
      ops: { write: secretIds.generate, list: secretIds.list },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/custom-secret-id$`),
      fields: [...SECRET_ID_FIELDS, 'secret_id'],
      ops: { write: secretIds.custom },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id/lookup$`),
      fields: ['role_name', 'secret_id'],
      ops: { write: secretIds.lookup },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id/destroy$`),
      fields: ['role_name', 'secret_id'],
      ops: { write: secretIds.destroy, delete: secretIds.destroy },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id-accessor/lookup$`),
      fields: ['role_name', 'secret_id_accessor'],
      ops: { write: secretIds.lookupByAccessor },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id-accessor/destroy$`),
      fields: ['role_name', 'secret_id_accessor'],
      ops: {
        write: secretIds.destroyByAccessor,
        delete: secretIds.destroyByAccessor,
      },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/${FIELD}$`),
      fields: (params) => roleFieldFields(params[1]),
      ops: { read: fields.read, write: fields.update, delete: fields.reset },
    },
    {
      pattern: /^tidy\/secret-id$/,
      fields: [],
      ops: {
        write: async () => {
          tidyExpired(state, core.now());
          await core.persist();
          // Vault's pathTidySecretID answers 202 with this warning (it tidies in the background).
          return {
            kind: 'empty',
            status: 202,
            warnings: [
              "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs.",
            ],
          };
        },
      },
    },
  ]);
  return {
    type: 'approle',
    unauthenticatedPaths: ['login'],
    // Role writes are create-or-update for the ACL (§6); everything else is always update.
    exists(path) {
      const m = new RegExp(`^role/${ROLE}$`).exec(path.replace(/\/+$/, ''));
      return m
        ? Object.prototype.hasOwnProperty.call(state.roles, m[1].toLowerCase())
        : undefined;
    },
    handle: route,
    // Vault's alias lookahead for login: the trimmed role_id (the login alias name).
    loginAliasLookahead(path, data) {
      if (path.replace(/\/+$/, '') !== 'login') return undefined;
      const roleId =
        typeof data['role_id'] === 'string' ? data['role_id'].trim() : '';
      return roleId === '' ? undefined : roleId;
    },
    // Vault's pathLoginRenew (approle path_login.go) re-reads the role; a deleted role fails
    // the renewal with an internal error that the expiration manager wraps.
    renew({ metadata }) {
      const name = metadata['role_name'] ?? '';
      const role = Object.prototype.hasOwnProperty.call(
        state.roles,
        name.toLowerCase(),
      )
        ? state.roles[name.toLowerCase()]
        : undefined;
      if (!role)
        throw new VaultError(500, [
          multiError(
            `failed to renew entry: role "${name}" does not exist during renewal`,
          ),
        ]);
      const { ttlSeconds, maxTtlSeconds } = loginTtls(role.token);
      return {
        ttlSeconds,
        maxTtlSeconds,
        periodSeconds: role.token.tokenPeriod,
      };
    },
  };
};
