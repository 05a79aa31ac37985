import type { RouteContract } from './routes';
import { systemRoutes } from './system-routes';
import { keyRoutes, secretRoutes, walletRoutes } from './resource-routes';

/** Version prefix of the wallet's internal API. */
export const WALLET_API_PREFIX = '/v1';
/** Header carrying the agent's short-lived service JWT on every wallet call. */
export const SERVICE_TOKEN_HEADER = 'x-service-token';

const walletResource = {
  prefix: WALLET_API_PREFIX,
  auth: 'service+tenant',
  unavailable: 'vault_unavailable',
} as const;

/**
 * The wallet's internal API: the agent's bodies under `/v1`, tenants under `/v1/tenants`.
 * Tenant operations carry the tenant JWT (`Authorization: Bearer`) and the service token
 * (`x-service-token`); tenant administration carries the service token only.
 */
export const WALLET_ROUTES = Object.freeze({
  ...systemRoutes(),
  ...walletRoutes({
    ...walletResource,
    auth: 'service',
    collection: '/tenants',
  }),
  ...keyRoutes(walletResource),
  ...secretRoutes(walletResource),
} satisfies Record<string, RouteContract>);
export type WalletRouteName = keyof typeof WALLET_ROUTES;
