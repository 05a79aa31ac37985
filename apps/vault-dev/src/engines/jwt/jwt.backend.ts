/** The JWT auth method (Vault docs: JWT/OIDC auth API), one instance per mount; role_type "oidc" logins are refused. */
import type { Backend, BackendFactory } from '../../core/backend';
import { createRouteTable, SEGMENT } from '../approle/route-table';
import { createConfigHandlers } from './jwt-config.handlers';
import { createLoginHandler } from './jwt-login.handler';
import { createRoleHandlers } from './jwt-roles.handlers';
import { loadJwtState } from './jwt.state';

/** Creates a JWT auth backend bound to one mount's state. */
export const createJwtBackend: BackendFactory = (core): Backend => {
  const state = loadJwtState(core);
  const config = createConfigHandlers(core, state);
  const roles = createRoleHandlers(core, state);
  const route = createRouteTable([
    {
      pattern: /^config$/,
      ops: { read: config.readConfig, write: config.writeConfig },
    },
    {
      pattern: /^login$/,
      ops: { write: createLoginHandler(core, state, config.keySource) },
    },
    { pattern: /^role$/, ops: { list: roles.listRoles } },
    {
      pattern: new RegExp(`^role/${SEGMENT}$`),
      ops: {
        read: roles.readRole,
        write: roles.writeRole,
        delete: roles.deleteRole,
      },
    },
  ]);
  return {
    type: 'jwt',
    unauthenticatedPaths: ['login'],
    exists(path) {
      const m = /^role\/([^/]+)$/.exec(path.replace(/\/+$/, ''));
      return m
        ? Object.prototype.hasOwnProperty.call(state.roles, m[1].toLowerCase())
        : undefined;
    },
    handle: route,
  };
};
