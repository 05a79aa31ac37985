import {
  buildPath,
  CreatedWalletSchema,
  KeyListSchema,
  KeySchema,
  PutSecretResponseSchema,
  ReadinessSchema,
  SecretNameListSchema,
  SecretSchema,
  SignResponseSchema,
  WalletPageSchema,
  WalletSchema,
  WALLET_ROUTES,
} from '@secret-flows/contracts';
import type { SecretBackend, TenantContext } from '../secret-backend';
import {
  createWalletHttpClient,
  type WalletHttpClientOptions,
} from './wallet-http-client';

/** The claim the wallet requires on /v1/tenants; the agent adds it only after checking x-admin-api-key. */
export const TENANTS_ADMIN_SCOPE = 'tenants:admin';

const R = WALLET_ROUTES;

// buildPath percent-encodes each '/'-separated segment, so a secret name's '/' stays a separator.
const secretPath = (name: string) => buildPath(R.getSecret.path, { name });
const keyPath = (id: string) => buildPath(R.getKey.path, { id });
const tenantPath = (id: string) => buildPath(R.getWallet.path, { id });

function asTenant(ctx: TenantContext) {
  return {
    requestId: ctx.requestId,
    bearerToken: ctx.bearerToken,
    signal: ctx.signal,
  };
}

/** Creates the `wallet` secret backend (phases 3-4): every operation is one call to the wallet's /v1 API. */
export function createWalletHttpBackend(
  options: WalletHttpClientOptions,
): SecretBackend {
  const client = createWalletHttpClient(options);
  const admin = { serviceClaims: { scope: TENANTS_ADMIN_SCOPE } };
  return {
    kind: 'wallet',
    keys: {
      create: (ctx, body) =>
        client.call({
          ...asTenant(ctx),
          method: 'POST',
          operation: 'keys.create',
          path: R.createKey.path,
          body,
          schema: KeySchema,
        }),
      list: (ctx) =>
        client.call({
          ...asTenant(ctx),
          method: 'GET',
          operation: 'keys.list',
          path: R.listKeys.path,
          schema: KeyListSchema,
        }),
      get: (ctx, id) =>
        client.call({
          ...asTenant(ctx),
          method: 'GET',
          operation: 'keys.get',
          path: keyPath(id),
          schema: KeySchema,
        }),
      delete: (ctx, id) =>
        client.call({
          ...asTenant(ctx),
          operation: 'keys.delete',
          method: 'DELETE',
          path: keyPath(id),
          schema: undefined,
        }),
      sign: (ctx, id, body) =>
        client.call({
          ...asTenant(ctx),
          method: 'POST',
          operation: 'keys.sign',
          path: buildPath(R.signWithKey.path, { id }),
          body,
          schema: SignResponseSchema,
        }),
      rotate: (ctx, id) =>
        // An empty JSON object: the action has no parameters, and a POST always says what it carries.
        client.call({
          ...asTenant(ctx),
          method: 'POST',
          operation: 'keys.rotate',
          path: buildPath(R.rotateKey.path, { id }),
          body: {},
          schema: KeySchema,
        }),
    },
    secrets: {
      put: (ctx, name, body) =>
        client.call({
          ...asTenant(ctx),
          operation: 'secrets.put',
          method: 'PUT',
          path: secretPath(name),
          body,
          schema: PutSecretResponseSchema,
        }),
      get: (ctx, name, version) =>
        client.call({
          ...asTenant(ctx),
          operation: 'secrets.get',
          method: 'GET',
          path: secretPath(name),
          query: { version },
          schema: SecretSchema,
        }),
      list: (ctx, query) =>
        client.call({
          ...asTenant(ctx),
          method: 'GET',
          operation: 'secrets.list',
          path: R.listSecrets.path,
          query: { limit: query?.limit, cursor: query?.cursor },
          schema: SecretNameListSchema,
        }),
      delete: (ctx, name) =>
        client.call({
          ...asTenant(ctx),
          operation: 'secrets.delete',
          method: 'DELETE',
          path: secretPath(name),
          schema: undefined,
        }),
    },
    tenants: {
      create: (ctx, body) =>
        client.call({
          ...admin,
          requestId: ctx.requestId,
          method: 'POST',
          operation: 'tenants.create',
          path: R.createWallet.path,
          body,
          schema: CreatedWalletSchema,
        }),
      list: (ctx, page) =>
        client.call({
          ...admin,
          requestId: ctx.requestId,
          method: 'GET',
          operation: 'tenants.list',
          path: R.listWallets.path,
          query: page,
          schema: WalletPageSchema,
        }),
      get: (ctx, id) =>
        client.call({
          ...admin,
          requestId: ctx.requestId,
          operation: 'tenants.get',
          method: 'GET',
          path: tenantPath(id),
          schema: WalletSchema,
        }),
      delete: (ctx, id) =>
        client.call({
          ...admin,
          requestId: ctx.requestId,
          operation: 'tenants.delete',
          method: 'DELETE',
          path: tenantPath(id),
          schema: undefined,
        }),
    },
    async readiness() {
      try {
        const ready = await client.call({
          method: 'GET',
          operation: 'ready',
          path: R.ready.path,
          requestId: 'readiness',
          schema: ReadinessSchema,
        });
        return { wallet: { ok: ready.status === 'ready' } };
      } catch {
        return {
          wallet: { ok: false, detail: 'wallet not ready or unreachable' },
        };
      }
    },
    async close() {
      client.close();
    },
  };
}
