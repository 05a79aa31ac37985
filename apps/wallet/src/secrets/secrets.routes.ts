import { Router } from 'express';
import {
  WALLET_ROUTES,
  type PutSecretRequest,
  type SecretListQuery,
  type SecretVersionQuery,
} from '@secret-flows/contracts';
import type { Audit } from '../audit/audit';
import { mountTenantRoute } from '../http/contract-route';
import type { TenantDataAccess } from '../tenancy/tenant-data-access';

/**
 * Generic secret routes; names may contain '/', so the name is a multi-segment parameter.
 * @example app.use(createSecretsRouter({ tenantData, audit }))
 */
export function createSecretsRouter(deps: {
  tenantData: TenantDataAccess;
  audit: Audit;
}): Router {
  const router = Router();
  const { tenantData, audit } = deps;

  mountTenantRoute(
    router,
    WALLET_ROUTES.listSecrets,
    audit,
    async ({ tenant, query, signal }) => {
      const { limit, cursor } = query as SecretListQuery;
      return {
        body: await (
          await tenantData.walletFor(tenant)
        ).secrets.list({ limit, cursor, signal }),
      };
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.putSecret,
    audit,
    async ({ params, body, tenant }) => {
      const { value, cas } = body as PutSecretRequest;
      return {
        body: await (
          await tenantData.walletFor(tenant)
        ).secrets.put(params['name'] as string, value, cas),
      };
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.getSecret,
    audit,
    async ({ params, query, tenant }) => {
      const { version } = query as SecretVersionQuery;
      return {
        body: await (
          await tenantData.walletFor(tenant)
        ).secrets.get(params['name'] as string, version),
      };
    },
  );

  mountTenantRoute(
    router,
    WALLET_ROUTES.deleteSecret,
    audit,
    async ({ params, tenant }) => {
      await (
        await tenantData.walletFor(tenant)
      ).secrets.delete(params['name'] as string);
      return {};
    },
  );

  return router;
}
