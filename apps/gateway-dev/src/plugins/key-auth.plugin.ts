import { z } from 'zod';
import { getQueryArg, removeQueryArg } from '../routing/request-path';
import { notImplemented, parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  PluginExit,
  RoutePlugin,
} from './plugin.types';

// Route-side schema of apisix/plugins/key-auth.lua (3.18); anonymous_consumer is refused.
const keyAuthSchema = z.strictObject({
  header: z.string().min(1).default('apikey'),
  query: z.string().min(1).default('apikey'),
  hide_credentials: z.boolean().default(false),
  realm: z.string().default('key'),
  anonymous_consumer: z.string().optional(),
});

/** Consumer-side schema: `{ key }`. */
export const keyAuthConsumerSchema = z.strictObject({ key: z.string() });

/**
 * APISIX key-auth: the key from the header (preferred) or the query argument, the exact 401
 * bodies and WWW-Authenticate header, credential hiding and the X-Consumer-* headers upstream.
 */
export function createKeyAuthPlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const conf = parsePluginConfig(keyAuthSchema, config, {
    routeId: context.routeId,
    plugin: 'key-auth',
  });
  if (conf.anonymous_consumer !== undefined)
    throw notImplemented(context.routeId, 'key-auth', 'anonymous_consumer');
  const headerName = conf.header.toLowerCase();
  const challenge = { 'WWW-Authenticate': `apikey realm="${conf.realm}"` };
  const reject = (message: string): PluginExit => ({
    status: 401,
    body: { message },
    headers: challenge,
  });

  return {
    name: 'key-auth',
    priority: 2500,
    phase: 'rewrite',
    handle(request: GatewayRequest): PluginExit | undefined {
      const fromHeader = firstValue(request.headers[headerName]);
      const key = fromHeader ?? getQueryArg(request.args, conf.query);
      if (key === undefined) return reject('Missing API key in request');
      const consumer = context.consumers.findByKey(key);
      if (!consumer) return reject('Invalid API key in request');
      if (conf.hide_credentials) {
        if (fromHeader !== undefined) delete request.headers[headerName];
        else request.args = removeQueryArg(request.args, conf.query);
      }
      request.consumerName = consumer.username;
      // consumer.attach_consumer sets all three; setting "nil" clears a client-sent copy.
      request.headers['x-consumer-username'] = consumer.username;
      delete request.headers['x-credential-identifier'];
      if (consumer.customId === undefined)
        delete request.headers['x-consumer-custom-id'];
      else request.headers['x-consumer-custom-id'] = consumer.customId;
      return undefined;
    },
  };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
