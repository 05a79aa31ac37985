import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  RoutePlugin,
} from './plugin.types';

// Only the default algorithm is implemented; nanoid, range_id, ksuid and uuidv7 are refused.
const requestIdSchema = z.strictObject({
  header_name: z.string().min(1).default('X-Request-Id'),
  include_in_response: z.boolean().default(true),
  algorithm: z.literal('uuid').default('uuid'),
});

/** APISIX request-id: keeps an incoming id, otherwise generates a UUID; passes it up and back. */
export function createRequestIdPlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const conf = parsePluginConfig(requestIdSchema, config, {
    routeId: context.routeId,
    plugin: 'request-id',
  });
  const headerName = conf.header_name.toLowerCase();
  return {
    name: 'request-id',
    priority: 12015,
    phase: 'rewrite',
    handle(request: GatewayRequest) {
      const incoming = request.headers[headerName];
      const id =
        (Array.isArray(incoming) ? incoming[0] : incoming) || randomUUID();
      request.headers[headerName] = id;
      // The header filter adds it only when the upstream response has none of its own.
      if (conf.include_in_response)
        request.responseHeaderDefaults.set(conf.header_name, id);
      return undefined;
    },
  };
}
