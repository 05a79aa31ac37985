// The two committed OpenAPI documents: which routes, servers and security schemes each has.
import {
  AGENT_ROUTES,
  ADMIN_API_KEY_HEADER,
  API_KEY_HEADER,
} from './agent-api';
import { SERVICE_TOKEN_HEADER, WALLET_ROUTES } from './wallet-api';
import {
  buildOpenApiDocument,
  type JsonSchema,
  type SecurityRequirement,
} from './openapi';

const BEARER = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'Tenant JWT (phases 3-4).',
};

/** The agent's public OpenAPI document. */
export function agentOpenApiDocument(): JsonSchema {
  return buildOpenApiDocument({
    title: 'Secret Flows agent API',
    description:
      'Tenant-facing API of the agent, served behind the gateway under /cloud-agent/. Errors are RFC 9457 problem JSON. ' +
      'The tenant comes from the JWT in phases 3-4 and is `default` in phases 1-2. Secret names may contain "/".',
    servers: [{ url: '/cloud-agent', description: 'Through the gateway' }],
    routes: AGENT_ROUTES,
    securitySchemes: {
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: API_KEY_HEADER,
        description: 'Checked by the gateway.',
      },
      bearerJwt: BEARER,
      adminApiKey: {
        type: 'apiKey',
        in: 'header',
        name: ADMIN_API_KEY_HEADER,
        description: 'Admin key; no default.',
      },
    },
    security: (auth): SecurityRequirement[] => {
      if (auth === 'none') return [];
      if (auth === 'admin') return [{ apiKey: [], adminApiKey: [] }];
      return [{ apiKey: [], bearerJwt: [] }, { apiKey: [] }];
    },
  });
}

/** The wallet's internal OpenAPI document. */
export function walletOpenApiDocument(): JsonSchema {
  return buildOpenApiDocument({
    title: 'Secret Flows wallet API (internal)',
    description:
      'Internal API of the wallet, called only by the agent. Every /v1 call carries the agent service token; ' +
      'tenant operations also carry the tenant JWT, and the tenant is taken from that JWT alone.',
    servers: [{ url: '/', description: 'The wallet service' }],
    routes: WALLET_ROUTES,
    securitySchemes: {
      serviceToken: {
        type: 'apiKey',
        in: 'header',
        name: SERVICE_TOKEN_HEADER,
        description: 'ES256 service JWT, audience `wallet`.',
      },
      bearerJwt: BEARER,
    },
    security: (auth): SecurityRequirement[] => {
      if (auth === 'none') return [];
      if (auth === 'service') return [{ serviceToken: [] }];
      return [{ serviceToken: [], bearerJwt: [] }];
    },
  });
}

/** The committed OpenAPI files, by path relative to the repository root, with their text. */
export function renderOpenApiDocuments(): Record<string, string> {
  const render = (doc: JsonSchema) => `${JSON.stringify(doc, null, 2)}\n`;
  return {
    'docs/api/agent.openapi.json': render(agentOpenApiDocument()),
    'docs/api/wallet.openapi.json': render(walletOpenApiDocument()),
  };
}
