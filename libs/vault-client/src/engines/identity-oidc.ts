import { camelize } from '../transport';
import {
  dataOf,
  joinPath,
  snakeFields,
  type Ttl,
  type VaultCaller,
} from './caller';

export interface OidcKeyInput {
  algorithm?:
    | 'RS256'
    | 'RS384'
    | 'RS512'
    | 'ES256'
    | 'ES384'
    | 'ES512'
    | 'EdDSA';
  rotationPeriod?: Ttl;
  verificationTtl?: Ttl;
  allowedClientIds?: string[];
}

export interface OidcKey {
  algorithm: string;
  rotationPeriod: number;
  verificationTtl: number;
  allowedClientIds: string[];
}

export interface OidcRoleInput {
  key: string;
  /** JSON template text, e.g. `{"tenant_id": {{identity.entity.metadata.tenant_id}}}`. */
  template?: string;
  clientId?: string;
  ttl?: Ttl;
}

export interface OidcRole {
  key: string;
  template: string;
  clientId: string;
  ttl: number;
}

export interface JsonWebKeySet {
  keys: Array<
    Record<string, unknown> & { kid: string; kty: string; alg?: string }
  >;
}

export interface IdentityOidcApi {
  writeConfig(config: { issuer?: string }): Promise<void>;
  readConfig(): Promise<{ issuer: string }>;
  createKey(name: string, fields?: OidcKeyInput): Promise<void>;
  readKey(name: string): Promise<OidcKey | undefined>;
  rotateKey(name: string, opts?: { verificationTtl?: Ttl }): Promise<void>;
  createRole(name: string, fields: OidcRoleInput): Promise<void>;
  readRole(name: string): Promise<OidcRole | undefined>;
  /** Signs an identity token for the caller's entity; needs `read` on `identity/oidc/token/<role>`. */
  generateToken(
    role: string,
  ): Promise<{ token: string; clientId: string; ttl: number }>;
  jwks(): Promise<JsonWebKeySet>;
  openidConfiguration(): Promise<
    {
      issuer: string;
      jwksUri: string;
      idTokenSigningAlgValuesSupported: string[];
    } & Record<string, unknown>
  >;
  introspect(
    token: string,
    clientId?: string,
  ): Promise<{ active: boolean; error?: string }>;
}

/** Vault's identity-token provider (Vault docs: Identity secrets engine API): named keys, roles, tokens, JWKS. */
export function createIdentityOidcApi(caller: VaultCaller): IdentityOidcApi {
  const op = (name: string) => `identity.oidc.${name}`;
  const readOr404 = async (path: string, name: string) => {
    const res = await caller.send({
      method: 'GET',
      path,
      okStatuses: [404],
      operation: op(name),
    });
    return res.status === 404 ? undefined : dataOf(res);
  };
  return {
    async writeConfig(config) {
      await caller.send({
        method: 'POST',
        path: 'identity/oidc/config',
        body: config,
        idempotent: true,
        operation: op('writeConfig'),
      });
    },
    async readConfig() {
      return {
        issuer: String(
          dataOf(
            await caller.send({
              method: 'GET',
              path: 'identity/oidc/config',
              operation: op('readConfig'),
            }),
          )['issuer'] ?? '',
        ),
      };
    },
    async createKey(name, fields = {}) {
      await caller.send({
        method: 'POST',
        path: joinPath('identity/oidc/key', name),
        body: snakeFields(fields),
        idempotent: true,
        operation: op('createKey'),
      });
    },
    async readKey(name) {
      const d = await readOr404(joinPath('identity/oidc/key', name), 'readKey');
      return d && camelize<OidcKey>(d);
    },
    async rotateKey(name, opts = {}) {
      await caller.send({
        method: 'POST',
        path: joinPath('identity/oidc/key', name, 'rotate'),
        body: snakeFields(opts),
        operation: op('rotateKey'),
      });
    },
    async createRole(name, fields) {
      await caller.send({
        method: 'POST',
        path: joinPath('identity/oidc/role', name),
        body: snakeFields(fields),
        idempotent: true,
        operation: op('createRole'),
      });
    },
    async readRole(name) {
      const d = await readOr404(
        joinPath('identity/oidc/role', name),
        'readRole',
      );
      return d && camelize<OidcRole>(d);
    },
    async generateToken(role) {
      const d = dataOf(
        await caller.send({
          method: 'GET',
          path: joinPath('identity/oidc/token', role),
          operation: op('generateToken'),
        }),
      );
      return {
        token: String(d['token']),
        clientId: String(d['client_id']),
        ttl: Number(d['ttl']),
      };
    },
    async jwks() {
      return (
        await caller.send({
          method: 'GET',
          path: 'identity/oidc/.well-known/keys',
          unauthenticated: true,
          operation: op('jwks'),
        })
      ).body as JsonWebKeySet;
    },
    async openidConfiguration() {
      const res = await caller.send({
        method: 'GET',
        path: 'identity/oidc/.well-known/openid-configuration',
        unauthenticated: true,
        operation: op('openidConfiguration'),
      });
      return camelize(res.body);
    },
    async introspect(token, clientId) {
      const body = { token, ...(clientId ? { client_id: clientId } : {}) };
      const res = await caller.send({
        method: 'POST',
        path: 'identity/oidc/introspect',
        body,
        idempotent: true,
        operation: op('introspect'),
      });
      return res.body as { active: boolean; error?: string };
    },
  };
}
