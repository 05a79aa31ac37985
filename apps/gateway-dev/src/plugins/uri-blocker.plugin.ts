import { z } from 'zod';
import { compileRegex } from '../routing/route-matcher';
import { parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  PluginExit,
  RoutePlugin,
} from './plugin.types';

const uriBlockerSchema = z.strictObject({
  block_rules: z.array(z.string().min(1)).min(1),
  rejected_code: z.number().int().min(200).max(599).default(403),
  rejected_msg: z.string().min(1).optional(),
  case_insensitive: z.boolean().default(false),
});

/** APISIX uri-blocker: the rules, joined with `|`, are searched in `$request_uri` (raw, with query). */
export function createUriBlockerPlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const where = { routeId: context.routeId, plugin: 'uri-blocker' };
  const conf = parsePluginConfig(uriBlockerSchema, config, where);
  const label = `route "${context.routeId}": plugin "uri-blocker"`;
  for (const rule of conf.block_rules) compileRegex(label, rule);
  const pattern = compileRegex(
    label,
    conf.block_rules.join('|'),
    conf.case_insensitive ? 'i' : '',
  );
  const exit: PluginExit = conf.rejected_msg
    ? { status: conf.rejected_code, body: { error_msg: conf.rejected_msg } }
    : { status: conf.rejected_code };
  return {
    name: 'uri-blocker',
    priority: 2900,
    phase: 'rewrite',
    handle: (request: GatewayRequest) =>
      pattern.test(request.requestUri) ? exit : undefined,
  };
}
