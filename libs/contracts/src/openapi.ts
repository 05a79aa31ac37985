import { z } from 'zod';
import { ERROR_STATUS, ProblemSchema, type ErrorCode } from './problem';
import type { RouteAuth, RouteContract } from './routes';
import {
  CreateKeyRequestSchema,
  KeyListSchema,
  KeySchema,
  PublicJwkSchema,
  SignRequestSchema,
  SignResponseSchema,
} from './keys';
import {
  PutSecretRequestSchema,
  PutSecretResponseSchema,
  SecretNameListSchema,
  SecretSchema,
} from './secrets';
import {
  CreateWalletRequestSchema,
  CreatedWalletSchema,
  WalletPageSchema,
  WalletSchema,
} from './wallets';
import { HealthSchema, ReadinessSchema } from './system';

export type JsonSchema = Record<string, unknown>;
export type SecurityRequirement = Record<string, string[]>;

/** Version of the API contracts (info.version of the generated documents). */
export const API_VERSION = '1.0.0';

// Schemas that get a name under components.schemas; everything else is inlined. Requests are
// rendered as input (defaults make fields optional) and responses as output.
const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  CreateKeyRequest: CreateKeyRequestSchema,
  SignRequest: SignRequestSchema,
  PutSecretRequest: PutSecretRequestSchema,
  CreateWalletRequest: CreateWalletRequestSchema,
};
const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Problem: ProblemSchema,
  PublicJwk: PublicJwkSchema,
  Key: KeySchema,
  KeyList: KeyListSchema,
  SignResponse: SignResponseSchema,
  PutSecretResponse: PutSecretResponseSchema,
  Secret: SecretSchema,
  SecretNameList: SecretNameListSchema,
  Wallet: WalletSchema,
  CreatedWallet: CreatedWalletSchema,
  WalletPage: WalletPageSchema,
  Health: HealthSchema,
  Readiness: ReadinessSchema,
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function nameOf(
  schema: z.ZodType,
  table: Record<string, z.ZodType>,
): string | undefined {
  return Object.keys(table).find((name) => table[name] === schema);
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const rest = { ...schema };
  delete rest['$schema'];
  delete rest['$id'];
  return rest;
}

function components(
  table: Record<string, z.ZodType>,
  io: 'input' | 'output',
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(table))
    registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, s]) => [id, stripMeta(s as JsonSchema)]),
  );
}

function schemaFor(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const name = nameOf(
    schema,
    io === 'input' ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS,
  );
  return name
    ? ref(name)
    : stripMeta(z.toJSONSchema(schema, { io }) as JsonSchema);
}

function parameters(route: RouteContract): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, shape] of [
    ['path', route.params?.shape],
    ['query', route.query?.shape],
  ] as const) {
    for (const [name, prop] of Object.entries(shape ?? {}) as [
      string,
      z.ZodType,
    ][]) {
      const param: JsonSchema = {
        name,
        in: where,
        required: !prop.safeParse(undefined).success,
      };
      if (prop.description) param['description'] = prop.description;
      param['schema'] = stripMeta(
        z.toJSONSchema(prop, { io: 'input' }) as JsonSchema,
      );
      if (route.multiSegmentParams?.includes(name))
        param['allowReserved'] = true;
      out.push(param);
    }
  }
  return out;
}

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 0 },
};

function errorResponses(
  codes: readonly ErrorCode[],
): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'internal' as const]) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: JsonSchema = {
      description: `Problem JSON with code ${list.map((c) => `\`${c}\``).join(', ')}.`,
      content: { 'application/problem+json': { schema: ref('Problem') } },
    };
    if (status === 503 || status === 429)
      response['headers'] = { 'Retry-After': RETRY_AFTER };
    out[String(status)] = response;
  }
  return out;
}

function operation(
  route: RouteContract,
  security: (auth: RouteAuth) => SecurityRequirement[],
): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  if (route.response) {
    const mediaType = route.responseContentType ?? 'application/json';
    responses[String(route.status)] = {
      description: route.summary,
      content: { [mediaType]: { schema: schemaFor(route.response, 'output') } },
    };
  } else {
    responses[String(route.status)] = {
      description: `${route.summary} No content.`,
    };
  }
  for (const extra of route.extraResponses ?? []) {
    responses[String(extra.status)] = {
      description: extra.description,
      content: {
        'application/json': { schema: schemaFor(extra.schema, 'output') },
      },
    };
  }
  Object.assign(responses, errorResponses(route.errors));
  const op: JsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    security: security(route.auth),
  };
  const params = parameters(route);
  if (params.length > 0) op['parameters'] = params;
  if (route.body) {
    op['requestBody'] = {
      required: true,
      content: {
        'application/json': { schema: schemaFor(route.body, 'input') },
      },
    };
  }
  op['responses'] = responses;
  return op;
}

export interface DocumentOptions {
  title: string;
  description: string;
  servers: { url: string; description: string }[];
  routes: Record<string, RouteContract>;
  securitySchemes: Record<string, JsonSchema>;
  security: (auth: RouteAuth) => SecurityRequirement[];
}

/** Builds an OpenAPI 3.1 document from a route table; the output is deterministic. */
export function buildOpenApiDocument(options: DocumentOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of Object.values(options.routes)) {
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: operation(route, options.security),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: API_VERSION,
      description: options.description,
    },
    servers: options.servers,
    paths,
    components: {
      schemas: {
        ...components(REQUEST_SCHEMAS, 'input'),
        ...components(RESPONSE_SCHEMAS, 'output'),
      },
      securitySchemes: options.securitySchemes,
    },
  };
}
