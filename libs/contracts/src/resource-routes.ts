import type { ErrorCode } from './problem';
import type { RouteAuth, RouteContract } from './routes';
import {
  CreateKeyRequestSchema,
  KeyIdParamsSchema,
  KeyListSchema,
  KeySchema,
  SignRequestSchema,
  SignResponseSchema,
} from './keys';
import {
  PutSecretRequestSchema,
  PutSecretResponseSchema,
  SecretNameListSchema,
  SecretListQuerySchema,
  SecretNameParamsSchema,
  SecretSchema,
  SecretVersionQuerySchema,
} from './secrets';
import {
  CreateWalletRequestSchema,
  CreatedWalletSchema,
  PageQuerySchema,
  WalletIdParamsSchema,
  WalletPageSchema,
  WalletSchema,
} from './wallets';

// The agent and the wallet expose the same bodies (the wallet under /v1); one definition keeps
// them from drifting apart. `unavailable` is the outage code each service answers with.
interface ResourceOptions {
  prefix: string;
  auth: RouteAuth;
  unavailable: ErrorCode;
}

const AUTH_ERRORS: readonly ErrorCode[] = [
  'unauthorized',
  'forbidden',
  'rate_limited',
];

/** Key routes (create, list, get, delete, sign) under a prefix. */
export function keyRoutes(o: ResourceOptions) {
  const errors = (...codes: ErrorCode[]): ErrorCode[] => [
    ...codes,
    ...AUTH_ERRORS,
    o.unavailable,
  ];
  return {
    createKey: {
      operationId: 'createKey',
      method: 'post',
      path: `${o.prefix}/keys`,
      auth: o.auth,
      summary: 'Generate a key pair; the private key never leaves the wallet.',
      body: CreateKeyRequestSchema,
      status: 201,
      response: KeySchema,
      errors: errors(
        'validation_failed',
        'bad_request',
        'payload_too_large',
        'unsupported_media_type',
      ),
    },
    listKeys: {
      operationId: 'listKeys',
      method: 'get',
      path: `${o.prefix}/keys`,
      auth: o.auth,
      summary: "List the tenant's keys.",
      status: 200,
      response: KeyListSchema,
      errors: errors(),
    },
    getKey: {
      operationId: 'getKey',
      method: 'get',
      path: `${o.prefix}/keys/{id}`,
      auth: o.auth,
      summary: 'Read one public key.',
      params: KeyIdParamsSchema,
      status: 200,
      response: KeySchema,
      errors: errors('validation_failed', 'not_found'),
    },
    deleteKey: {
      operationId: 'deleteKey',
      method: 'delete',
      path: `${o.prefix}/keys/{id}`,
      auth: o.auth,
      summary: 'Destroy a key.',
      params: KeyIdParamsSchema,
      status: 204,
      errors: errors('validation_failed', 'not_found'),
    },
    signWithKey: {
      operationId: 'signWithKey',
      method: 'post',
      path: `${o.prefix}/keys/{id}/sign`,
      auth: o.auth,
      summary:
        'Sign a raw payload (JWS signature encoding: EdDSA, ES256K or ES256).',
      params: KeyIdParamsSchema,
      body: SignRequestSchema,
      status: 200,
      response: SignResponseSchema,
      errors: errors(
        'validation_failed',
        'bad_request',
        'not_found',
        'payload_too_large',
        'unsupported_media_type',
      ),
    },
    rotateKey: {
      operationId: 'rotateKey',
      method: 'post',
      path: `${o.prefix}/keys/{id}/rotate`,
      auth: o.auth,
      summary:
        'Add a new version to a vault-transit key; new signatures use it, old ones still verify.',
      params: KeyIdParamsSchema,
      status: 200,
      response: KeySchema,
      errors: errors('validation_failed', 'not_found', 'conflict'),
    },
  } satisfies Record<string, RouteContract>;
}

/** Secret routes (put, get, list, delete) under a prefix; names span path segments. */
export function secretRoutes(o: ResourceOptions) {
  const errors = (...codes: ErrorCode[]): ErrorCode[] => [
    ...codes,
    ...AUTH_ERRORS,
    o.unavailable,
  ];
  const multiSegmentParams = ['name'] as const;
  return {
    putSecret: {
      operationId: 'putSecret',
      method: 'put',
      path: `${o.prefix}/secrets/{name}`,
      auth: o.auth,
      summary: 'Create or update a secret; `cas` makes the write conditional.',
      params: SecretNameParamsSchema,
      multiSegmentParams,
      body: PutSecretRequestSchema,
      status: 200,
      response: PutSecretResponseSchema,
      errors: errors(
        'validation_failed',
        'bad_request',
        'conflict',
        'payload_too_large',
        'unsupported_media_type',
      ),
    },
    getSecret: {
      operationId: 'getSecret',
      method: 'get',
      path: `${o.prefix}/secrets/{name}`,
      auth: o.auth,
      summary: 'Read a secret, the latest version or `?version=N`.',
      params: SecretNameParamsSchema,
      multiSegmentParams,
      query: SecretVersionQuerySchema,
      status: 200,
      response: SecretSchema,
      errors: errors('validation_failed', 'not_found'),
    },
    listSecrets: {
      operationId: 'listSecrets',
      method: 'get',
      path: `${o.prefix}/secrets`,
      auth: o.auth,
      summary:
        "List the tenant's secret names, a page at a time (`limit`, `cursor`); `next` is set when more follow. A page may hold fewer than `limit` names (its Vault work is bounded).",
      query: SecretListQuerySchema,
      status: 200,
      response: SecretNameListSchema,
      errors: errors('validation_failed'),
    },
    deleteSecret: {
      operationId: 'deleteSecret',
      method: 'delete',
      path: `${o.prefix}/secrets/{name}`,
      auth: o.auth,
      summary: 'Destroy a secret and all its versions.',
      params: SecretNameParamsSchema,
      multiSegmentParams,
      status: 204,
      errors: errors('validation_failed', 'not_found'),
    },
  } satisfies Record<string, RouteContract>;
}

/** Tenant (wallet) administration: `/wallets` on the agent, `/v1/tenants` on the wallet. */
export function walletRoutes(o: ResourceOptions & { collection: string }) {
  const errors = (...codes: ErrorCode[]): ErrorCode[] => [
    ...codes,
    ...AUTH_ERRORS,
    o.unavailable,
  ];
  const base = `${o.prefix}${o.collection}`;
  return {
    createWallet: {
      operationId: 'createWallet',
      method: 'post',
      path: base,
      auth: o.auth,
      summary:
        'Onboard a tenant: wallet seed, Vault entity and (phase 4) a login returned once.',
      body: CreateWalletRequestSchema,
      status: 201,
      response: CreatedWalletSchema,
      errors: errors(
        'validation_failed',
        'bad_request',
        'conflict',
        'payload_too_large',
        'unsupported_media_type',
      ),
    },
    listWallets: {
      operationId: 'listWallets',
      method: 'get',
      path: base,
      auth: o.auth,
      summary: 'List tenants, one page at a time.',
      query: PageQuerySchema,
      status: 200,
      response: WalletPageSchema,
      errors: errors('validation_failed'),
    },
    getWallet: {
      operationId: 'getWallet',
      method: 'get',
      path: `${base}/{id}`,
      auth: o.auth,
      summary: 'Read one tenant.',
      params: WalletIdParamsSchema,
      status: 200,
      response: WalletSchema,
      errors: errors('validation_failed', 'not_found'),
    },
    deleteWallet: {
      operationId: 'deleteWallet',
      method: 'delete',
      path: `${base}/{id}`,
      auth: o.auth,
      summary: "Disable a tenant's login and destroy its secrets.",
      params: WalletIdParamsSchema,
      status: 204,
      // 409 while another request (possibly on another wallet replica) creates or deletes it.
      errors: errors('validation_failed', 'not_found', 'conflict'),
    },
  } satisfies Record<string, RouteContract>;
}
