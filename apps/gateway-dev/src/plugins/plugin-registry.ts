import { GatewayConfigError } from '../standalone/config-error';
import { createKeyAuthPlugin } from './key-auth.plugin';
import { createLimitCountPlugin } from './limit-count.plugin';
import { createOpenTelemetryPlugin } from './opentelemetry.plugin';
import { createProxyRewritePlugin } from './proxy-rewrite.plugin';
import { createRequestIdPlugin } from './request-id.plugin';
import { createUriBlockerPlugin } from './uri-blocker.plugin';
import type { PluginContext, RoutePlugin } from './plugin.types';

type PluginFactory = (config: unknown, context: PluginContext) => RoutePlugin;

// Every plugin gateway-dev implements. Anything else in apisix.yaml refuses to start: a dev
// gateway that silently dropped, say, an auth plugin would test a system that does not exist.
const FACTORIES: Readonly<Record<string, PluginFactory>> = {
  'key-auth': createKeyAuthPlugin,
  'limit-count': createLimitCountPlugin,
  opentelemetry: createOpenTelemetryPlugin,
  'proxy-rewrite': createProxyRewritePlugin,
  'request-id': createRequestIdPlugin,
  'uri-blocker': createUriBlockerPlugin,
};

/** Names of the plugins gateway-dev implements. */
export const IMPLEMENTED_PLUGINS: readonly string[] =
  Object.keys(FACTORIES).sort();

/**
 * Builds a route's plugins in APISIX execution order: the rewrite phase before the access
 * phase, higher priority first within a phase; `_meta.disable: true` skips a plugin.
 */
export function createRoutePlugins(
  plugins: Readonly<Record<string, unknown>>,
  context: PluginContext,
): RoutePlugin[] {
  const created: RoutePlugin[] = [];
  for (const [name, rawConfig] of Object.entries(plugins)) {
    const factory = FACTORIES[name];
    if (!factory) {
      throw new GatewayConfigError(
        `route "${context.routeId}": plugin "${name}" is not implemented by gateway-dev (implemented: ${IMPLEMENTED_PLUGINS.join(', ')}); refusing to start`,
      );
    }
    const { config, isDisabled } = splitMeta(name, rawConfig, context.routeId);
    if (!isDisabled) created.push(factory(config, context));
  }
  const phaseOrder = { rewrite: 0, access: 1 } as const;
  return created.sort(
    (a, b) =>
      phaseOrder[a.phase] - phaseOrder[b.phase] || b.priority - a.priority,
  );
}

function splitMeta(
  name: string,
  rawConfig: unknown,
  routeId: string,
): { config: unknown; isDisabled: boolean } {
  if (
    rawConfig === null ||
    typeof rawConfig !== 'object' ||
    !('_meta' in rawConfig)
  ) {
    return { config: rawConfig, isDisabled: false };
  }
  const { _meta: meta, ...config } = rawConfig as Record<string, unknown>;
  const metaKeys = Object.keys((meta as Record<string, unknown> | null) ?? {});
  const unsupported = metaKeys.filter((key) => key !== 'disable');
  if (unsupported.length > 0) {
    throw new GatewayConfigError(
      `route "${routeId}": plugin "${name}": _meta.${unsupported[0]} is not implemented by gateway-dev`,
    );
  }
  return {
    config,
    isDisabled: (meta as { disable?: unknown }).disable === true,
  };
}
