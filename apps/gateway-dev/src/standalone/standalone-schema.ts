import { z } from 'zod';

// The object shapes of APISIX 3.x that gateway-dev implements (APISIX: apisix/schema_def.lua). Objects are
// strict: a field we do not implement (hosts, service_id, plugin_config_id, retries, checks…)
// is refused rather than ignored, so the dev gateway never quietly behaves differently.

const objectId = z
  .union([z.string().min(1), z.number().int()])
  .transform(String);
const seconds = z.number().positive();

const upstreamNodeSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  weight: z.number().int().min(0),
  priority: z.number().int().optional(),
});

// Upstream schemes of schema_def.lua; gateway-dev proxies the HTTP ones it implements.
const APISIX_SCHEMES = [
  'grpc',
  'grpcs',
  'http',
  'https',
  'tcp',
  'tls',
  'udp',
  'kafka',
] as const;

/**
 * The part of APISIX's upstream schema (schema_def.lua `upstream_schema`) that decides whether
 * APISIX keeps an upstream at all: types and ranges of the fields gateway-dev knows. An
 * upstream that fails it is dropped by APISIX's loader (config_yaml.lua `sync_data` logs and
 * skips it) and every route using it answers 502; gateway-dev does the same.
 */
export const apisixUpstreamSchema = z.looseObject({
  nodes: z.union([
    z.record(z.string(), z.number().int().min(0)),
    z.array(
      z.looseObject({
        host: z.string(),
        port: z.number().int().min(1).max(65535).optional(),
        weight: z.number().int().min(0),
        priority: z.number().int().optional(),
      }),
    ),
  ]),
  scheme: z.enum(APISIX_SCHEMES).optional(),
  pass_host: z.enum(['pass', 'node', 'rewrite']).optional(),
  type: z.string().optional(),
  timeout: z
    .looseObject({
      connect: z.number().positive(),
      send: z.number().positive(),
      read: z.number().positive(),
    })
    .optional(),
  tls: z.looseObject({ verify: z.boolean().optional() }).optional(),
});

/** The upstreams gateway-dev implements: a subset of what APISIX keeps; anything else is refused. */
export const upstreamSchema = z.strictObject({
  id: objectId.optional(),
  name: z.string().optional(),
  desc: z.string().optional(),
  type: z.literal('roundrobin').default('roundrobin'),
  scheme: z.enum(['http', 'https']).default('http'),
  pass_host: z.enum(['pass', 'node']).default('pass'),
  nodes: z.union([
    z.array(upstreamNodeSchema).min(1),
    z.record(z.string(), z.number().int()),
  ]),
  timeout: z
    .strictObject({ connect: seconds, send: seconds, read: seconds })
    .optional(),
  // schema_def.lua: `tls.verify` "currently only kafka upstream is supported"; APISIX 3.18 ignores
  // it on http(s) upstreams (verification there is nginx's proxy_ssl_verify, see node-config.ts).
  // Accepting `verify: true` would promise a check that does not happen, so only false is taken.
  tls: z.strictObject({ verify: z.literal(false).optional() }).optional(),
});

const routeVarSchema = z.tuple([
  z.string(),
  z.string(),
  z.union([z.string(), z.number()]),
]);

export const routeSchema = z
  .strictObject({
    id: objectId,
    name: z.string().optional(),
    desc: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    status: z.union([z.literal(0), z.literal(1)]).default(1),
    uri: z.string().startsWith('/').optional(),
    uris: z.array(z.string().startsWith('/')).min(1).optional(),
    methods: z
      .array(
        z.enum([
          'GET',
          'POST',
          'PUT',
          'DELETE',
          'PATCH',
          'HEAD',
          'OPTIONS',
          'CONNECT',
          'TRACE',
          'PURGE',
        ]),
      )
      .optional(),
    priority: z.number().int().default(0),
    vars: z.array(routeVarSchema).optional(),
    plugins: z.record(z.string(), z.unknown()).default({}),
    upstream: upstreamSchema.optional(),
    upstream_id: objectId.optional(),
  })
  .refine((route) => (route.uri === undefined) !== (route.uris === undefined), {
    message: 'exactly one of uri and uris is required',
  })
  .refine(
    (route) =>
      (route.upstream === undefined) !== (route.upstream_id === undefined),
    {
      message: 'exactly one of upstream and upstream_id is required',
    },
  );

export const consumerSchema = z.strictObject({
  username: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  desc: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  plugins: z.record(z.string(), z.unknown()).default({}),
});

// Top-level sections APISIX knows but gateway-dev does not implement; present and non-empty,
// they make the load fail.
export const UNSUPPORTED_SECTIONS = [
  'services',
  'plugin_configs',
  'global_rules',
  'plugin_metadata',
  'plugins',
  'ssls',
  'stream_routes',
  'protos',
  'consumer_groups',
  'secrets',
] as const;

export const documentSchema = z.looseObject({
  routes: z.array(z.unknown()).default([]),
  upstreams: z.array(z.unknown()).default([]),
  consumers: z.array(z.unknown()).default([]),
});

export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type ConsumerConfig = z.infer<typeof consumerSchema>;
export type RouteVar = z.infer<typeof routeVarSchema>;

/** Renders zod issues as one line per problem, prefixed with where they are. */
export function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${where}: ${path}${issue.message}`;
    })
    .join('; ');
}
