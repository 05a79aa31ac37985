/**
 * Mount type -> engine factory. The core mounts `kv` at secret/ and `identity` at
 * identity/ on start; every other type becomes mountable through sys/mounts or sys/auth.
 * One line per engine; keep edits minimal (two engineers add entries here).
 */
import type { BackendFactory } from '../core/backend';
import { createKvBackend } from './kv/kv.backend';
import { createAppRoleBackend } from './approle/approle.backend';
import { createIdentityBackend } from './identity/identity.backend';
import { createJwtBackend } from './jwt/jwt.backend';
import { createTransitBackend } from './transit/transit.backend';
import { createUserpassBackend } from './userpass/userpass.backend';

export const backendFactories: Record<string, BackendFactory> = {
  kv: createKvBackend,
  approle: createAppRoleBackend,
  identity: createIdentityBackend,
  jwt: createJwtBackend,
  transit: createTransitBackend,
  userpass: createUserpassBackend,
};
