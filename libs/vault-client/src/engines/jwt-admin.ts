import { camelize } from '../transport';
import { toAuthInfo, type VaultAuthInfo } from '../response';
import {
  dataOf,
  joinPath,
  snakeFields,
  type Ttl,
  type VaultCaller,
} from './caller';
import type { TokenFields } from './token-fields';

export interface JwtConfigInput {
  jwksUrl?: string;
  jwksCaPem?: string;
  jwtValidationPubkeys?: string[];
  oidcDiscoveryUrl?: string;
  oidcDiscoveryCaPem?: string;
  boundIssuer?: string;
  jwtSupportedAlgs?: string[];
  defaultRole?: string;
}

export interface JwtRoleInput extends TokenFields {
  /** Vault defaults to `oidc`; machine logins need `jwt` (Vault docs: JWT/OIDC auth API). */
  roleType?: 'jwt' | 'oidc';
  userClaim: string;
  boundAudiences?: string[];
  boundSubject?: string;
  boundClaims?: Record<string, string | string[]>;
  claimMappings?: Record<string, string>;
  clockSkewLeeway?: Ttl;
}

export interface JwtAuthApi {
  writeConfig(config: JwtConfigInput): Promise<void>;
  readConfig(): Promise<Record<string, unknown> | undefined>;
  writeRole(name: string, fields: JwtRoleInput): Promise<void>;
  readRole(name: string): Promise<Record<string, unknown> | undefined>;
  deleteRole(name: string): Promise<void>;
  /** Exchanges a JWT for a Vault token of `role` (no client token needed). */
  login(role: string, jwt: string): Promise<VaultAuthInfo>;
}

/** JWT auth method on `auth/<mount>` (Vault docs: JWT/OIDC auth API). */
export function createJwtAuthApi(
  caller: VaultCaller,
  mount = 'jwt',
): JwtAuthApi {
  const op = (name: string) => `jwt.${name} auth/${mount}`;
  const readOr404 = async (path: string, name: string) => {
    const res = await caller.send({
      method: 'GET',
      path,
      okStatuses: [404],
      operation: op(name),
    });
    return res.status === 404
      ? undefined
      : camelize(dataOf(res), ['bound_claims', 'claim_mappings']);
  };
  return {
    async writeConfig(config) {
      await caller.send({
        method: 'POST',
        path: joinPath('auth', mount, 'config'),
        body: snakeFields(config),
        idempotent: true,
        operation: op('writeConfig'),
      });
    },
    readConfig: () =>
      readOr404(joinPath('auth', mount, 'config'), 'readConfig'),
    async writeRole(name, fields) {
      await caller.send({
        method: 'POST',
        path: joinPath('auth', mount, 'role', name),
        body: snakeFields(fields),
        idempotent: true,
        operation: op('writeRole'),
      });
    },
    readRole: (name) =>
      readOr404(joinPath('auth', mount, 'role', name), 'readRole'),
    async deleteRole(name) {
      await caller.send({
        method: 'DELETE',
        path: joinPath('auth', mount, 'role', name),
        operation: op('deleteRole'),
      });
    },
    async login(role, jwt) {
      const res = await caller.send({
        method: 'POST',
        path: joinPath('auth', mount, 'login'),
        body: { role, jwt },
        unauthenticated: true,
        operation: op('login'),
      });
      return toAuthInfo((res.body as { auth?: unknown }).auth);
    },
  };
}
