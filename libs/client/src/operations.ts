import { AGENT_ROUTES, type RouteContract } from '@secret-flows/contracts';

/** Where the gateway serves the agent's API (the `servers` entry of docs/api/agent.openapi.json). */
export const AGENT_PREFIX = '/cloud-agent';

/**
 * Every call of the SDK and the agent route it makes, taken from the contracts' route table
 * (`AGENT_ROUTES`), so that method, path template, success status and auth cannot drift from
 * what the agent serves. The contract tests check each entry against the committed OpenAPI.
 */
export const SDK_OPERATIONS = {
  'keys.create': AGENT_ROUTES.createKey,
  'keys.list': AGENT_ROUTES.listKeys,
  'keys.get': AGENT_ROUTES.getKey,
  'keys.sign': AGENT_ROUTES.signWithKey,
  'keys.delete': AGENT_ROUTES.deleteKey,
  'keys.rotate': AGENT_ROUTES.rotateKey,
  'secrets.put': AGENT_ROUTES.putSecret,
  'secrets.get': AGENT_ROUTES.getSecret,
  'secrets.list': AGENT_ROUTES.listSecrets,
  'secrets.delete': AGENT_ROUTES.deleteSecret,
  'admin.wallets.create': AGENT_ROUTES.createWallet,
  'admin.wallets.list': AGENT_ROUTES.listWallets,
  'admin.wallets.get': AGENT_ROUTES.getWallet,
  'admin.wallets.delete': AGENT_ROUTES.deleteWallet,
  'system.health': AGENT_ROUTES.health,
} as const satisfies Record<string, RouteContract>;

export type OperationName = keyof typeof SDK_OPERATIONS;

/** The gateway's two login routes (deploy/apisix/apisix.yaml: vault-login, vault-token). */
export const LOGIN_PATH = '/auth/login/{username}';
export const TOKEN_PATH = '/auth/token';

/** Safe methods (RFC 9110 §9.2.1): the only calls the SDK retries on 429/503 or a network failure. */
export function isSafeMethod(method: string): boolean {
  return method.toLowerCase() === 'get' || method.toLowerCase() === 'head';
}
