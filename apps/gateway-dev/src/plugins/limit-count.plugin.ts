import { z } from 'zod';
import {
  getRequestVar,
  isKnownVar,
  referencedVars,
  resolveVarsCounted,
} from '../routing/request-vars';
import { createFixedWindowCounter } from './fixed-window-counter';
import { notImplemented, parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  PluginExit,
  RoutePlugin,
} from './plugin.types';

// Redis policies, groups and the sliding window are refused (not silently made local).
const limitCountSchema = z.strictObject({
  count: z.number().int().positive(),
  time_window: z.number().int().positive(),
  key_type: z.enum(['var', 'var_combination', 'constant']).default('var'),
  key: z.string().min(1).default('remote_addr'),
  rejected_code: z.number().int().min(200).max(599).default(503),
  rejected_msg: z.string().min(1).optional(),
  policy: z.literal('local').default('local'),
  show_limit_quota_header: z.boolean().default(true),
  allow_degradation: z.boolean().default(false),
  window_type: z.literal('fixed').default('fixed'),
  group: z.string().optional(),
});

/**
 * APISIX limit-count (local policy, apisix/plugins/limit-count/init.lua): a fixed window per
 * key with X-RateLimit-Limit/Remaining/Reset on every response. The key: `var` is one variable,
 * `var_combination` a template resolved by core.utils.resolve_var, `constant` the text itself;
 * when the variable is unset (for a combination: none of its variables resolved) the client
 * address is used instead. The counter is per route (APISIX prefixes the route's key).
 */
export function createLimitCountPlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const conf = parsePluginConfig(limitCountSchema, config, {
    routeId: context.routeId,
    plugin: 'limit-count',
  });
  if (conf.group !== undefined)
    throw notImplemented(context.routeId, 'limit-count', 'group');
  const keyOf = compileKey(conf.key_type, conf.key, context.routeId);
  const counter = createFixedWindowCounter({
    limit: conf.count,
    windowSeconds: conf.time_window,
    now: context.now,
  });
  const rejection = conf.rejected_msg
    ? { error_msg: conf.rejected_msg }
    : undefined;

  return {
    name: 'limit-count',
    priority: 1002,
    phase: 'access',
    handle(request: GatewayRequest): PluginExit | undefined {
      const key = keyOf(request) ?? request.remoteAddr;
      const result = counter.count(`${context.routeId}:${key}`);
      if (conf.show_limit_quota_header) {
        request.responseHeaders.set('X-RateLimit-Limit', String(conf.count));
        request.responseHeaders.set(
          'X-RateLimit-Remaining',
          String(result.remaining),
        );
        request.responseHeaders.set(
          'X-RateLimit-Reset',
          String(result.resetSeconds),
        );
      }
      if (result.isAllowed) return undefined;
      return rejection
        ? { status: conf.rejected_code, body: rejection }
        : { status: conf.rejected_code };
    },
  };
}

function compileKey(
  keyType: 'var' | 'var_combination' | 'constant',
  key: string,
  routeId: string,
): (request: GatewayRequest) => string | undefined {
  if (keyType === 'constant') return () => key;
  const names = keyType === 'var' ? [key] : referencedVars(key);
  for (const name of names) {
    if (!isKnownVar(name))
      throw notImplemented(routeId, 'limit-count', `key variable "${name}"`);
  }
  if (keyType === 'var')
    return (request: GatewayRequest) => getRequestVar(request, key);
  return (request: GatewayRequest) => {
    const { value, resolved } = resolveVarsCounted(key, request);
    return resolved === 0 ? undefined : value;
  };
}
