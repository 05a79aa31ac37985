import { Router } from 'express';
import {
  WALLET_ROUTES,
  type CreateKeyRequest,
  type SignRequest,
} from '@secret-flows/contracts';
import type { Audit } from '../audit/audit';
import { mountTenantRoute } from '../http/contract-route';
import type { TenantDataAccess } from '../tenancy/tenant-data-access';

/**
 * Key routes: generate, list, read, delete, sign, rotate. Private keys stay inside wallet-core (wallet custody) or Vault Transit (vault-transit custody).
 * @example app.use(createKeysRouter({ tenantData, audit }))
 */
export function createKeysRouter(deps: {
  tenantData: TenantDataAccess;
  audit: Audit;
}): Router {
  const router = Router();
  const { tenantData, audit } = deps;

  mountTenantRoute(
    router,
    WALLET_ROUTES.createKey,
    audit,
    async ({ body, tenant }) => {
      const { type, custody } = body as CreateKeyRequest;
      const key = await (
        await tenantData.walletFor(tenant)
      ).keys.create(type, custody);
      return { body: key, audit: { keyId: key.id } };
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.listKeys,
    audit,
    async ({ tenant }) => ({
      body: { keys: await (await tenantData.walletFor(tenant)).keys.list() },
    }),
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.getKey,
    audit,
    async ({ params, tenant }) => ({
      body: await (
        await tenantData.walletFor(tenant)
      ).keys.get(params['id'] as string),
    }),
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.deleteKey,
    audit,
    async ({ params, tenant }) => {
      await (
        await tenantData.walletFor(tenant)
      ).keys.delete(params['id'] as string);
      return {};
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.signWithKey,
    audit,
    async ({ params, body, tenant }) => {
      const payload = Buffer.from((body as SignRequest).payload, 'base64url');
      return {
        body: await (
          await tenantData.walletFor(tenant)
        ).keys.sign(params['id'] as string, payload),
      };
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.rotateKey,
    audit,
    async ({ params, tenant }) => {
      const key = await (
        await tenantData.walletFor(tenant)
      ).keys.rotate(params['id'] as string);
      return { body: key, audit: { keyId: key.id } };
    },
  );

  return router;
}
