/** The AppRole auth method (reference §4), one instance per mount. */
import type { Backend, BackendFactory } from '../../core/backend';
import { loadAppRoleState, tidyExpired } from './approle.state';
import { createRoleHandlers } from './approle-roles.handlers';
import { createSecretIdHandlers } from './approle-secret-ids.handlers';
import { createLoginHandler } from './approle-login.handler';
import {
  ROLE_FIELD_SEGMENTS,
  createRoleFieldHandlers,
} from './approle-role-fields.handlers';
import { createRouteTable } from './route-table';

/** Vault's role-name pattern; other names are simply not routed. */
const ROLE = '(\\w(?:[\\w.-]*\\w)?)';

/** Creates an AppRole backend bound to one mount's state. */
export const createAppRoleBackend: BackendFactory = (core): Backend => {
  const state = loadAppRoleState(core);
  const roles = createRoleHandlers(core, state);
  const secretIds = createSecretIdHandlers(core, state, roles.roleOrThrow);
  const fields = createRoleFieldHandlers(roles);
  const FIELD = `(${ROLE_FIELD_SEGMENTS.join('|')})`;
  const route = createRouteTable([
    { pattern: /^login$/, ops: { write: createLoginHandler(core, state) } },
    { pattern: /^role$/, ops: { list: roles.listRoles } },
    {
      pattern: new RegExp(`^role/${ROLE}$`),
      ops: {
        read: roles.readRole,
        write: roles.writeRole,
        delete: roles.deleteRole,
      },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/role-id$`),
      ops: { read: roles.readRoleId, write: roles.writeRoleId },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id$`),
      ops: { write: secretIds.generate, list: secretIds.list },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/custom-secret-id$`),
      ops: { write: secretIds.custom },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id/lookup$`),
      ops: { write: secretIds.lookup },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id/destroy$`),
      ops: { write: secretIds.destroy, delete: secretIds.destroy },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id-accessor/lookup$`),
      ops: { write: secretIds.lookupByAccessor },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/secret-id-accessor/destroy$`),
      ops: {
        write: secretIds.destroyByAccessor,
        delete: secretIds.destroyByAccessor,
      },
    },
    {
      pattern: new RegExp(`^role/${ROLE}/${FIELD}$`),
      ops: { read: fields.read, write: fields.update, delete: fields.reset },
    },
    {
      pattern: /^tidy\/secret-id$/,
      ops: {
        write: async () => {
          tidyExpired(state, core.now());
          await core.persist();
          return { kind: 'empty' };
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
  };
};
