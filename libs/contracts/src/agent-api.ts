import type { RouteContract } from './routes';
import { systemRoutes } from './system-routes';
import { keyRoutes, secretRoutes, walletRoutes } from './resource-routes';

/** Header carrying the tenant API key at the gateway (APISIX key-auth default). */
export const API_KEY_HEADER = 'apikey';
/** Header carrying the admin key of the `/wallets` endpoints. */
export const ADMIN_API_KEY_HEADER = 'x-admin-api-key';
/** Header the gateway adds with the authenticated consumer. */
export const CONSUMER_USERNAME_HEADER = 'x-consumer-username';
/** Header carrying the request id on every hop. */
export const REQUEST_ID_HEADER = 'x-request-id';

const agentResource = {
  prefix: '',
  auth: 'tenant',
  unavailable: 'wallet_unavailable',
} as const;

/** The agent's public API (docs/api/agent.openapi.json), served behind the gateway's `/cloud-agent/` prefix. */
export const AGENT_ROUTES = Object.freeze({
  ...systemRoutes(),
  ...walletRoutes({ ...agentResource, auth: 'admin', collection: '/wallets' }),
  ...keyRoutes(agentResource),
  ...secretRoutes(agentResource),
} satisfies Record<string, RouteContract>);
export type AgentRouteName = keyof typeof AGENT_ROUTES;
