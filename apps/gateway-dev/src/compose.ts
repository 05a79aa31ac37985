import type * as http from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { CompiledRoute } from './app';
import { createConsumerDirectory } from './plugins/consumer-directory';
import { createRoutePlugins } from './plugins/plugin-registry';
import { createForwarder, type GatewayLogger } from './proxy/forward';
import { createUpstream, createUpstreamAgent, type Upstream } from './proxy/upstream';
import { createRouteMatcher } from './routing/route-matcher';
import { GatewayConfigError } from './standalone/config-error';
import type { SubstitutionEnv } from './standalone/env-substitution';
import { readStandaloneFile, type StandaloneConfig } from './standalone/standalone-file';

/** Inputs of the object graph. */
export interface DependencyOptions {
  readonly configPath: string;
  readonly env: SubstitutionEnv;
  readonly logger: GatewayLogger;
  readonly now?: () => number;
  readonly tracer?: Tracer;
  /** Connection pool to reuse (on reload), otherwise a new one is made. */
  readonly agent?: http.Agent;
}

/** Loads apisix.yaml and builds routes, plugins, upstreams and the forwarder; throws GatewayConfigError. */
export function createDependencies(options: DependencyOptions) {
  const standalone = readStandaloneFile(options.configPath, options.env);
  const routes = compileRoutes(standalone, { now: options.now ?? Date.now, tracer: options.tracer });
  const agent = options.agent ?? createUpstreamAgent();
  return {
    router: createRouteMatcher(routes),
    forward: createForwarder({ agent, logger: options.logger }),
    agent,
    routeIds: routes.map((route) => route.id),
  };
}

type RouteWithVars = CompiledRoute & { readonly vars?: StandaloneConfig['routes'][number]['vars'] };

function compileRoutes(
  standalone: StandaloneConfig,
  shared: { now: () => number; tracer: Tracer | undefined },
): RouteWithVars[] {
  const consumers = createConsumerDirectory(standalone.consumers);
  const upstreams = new Map<string, Upstream>();
  for (const [index, upstream] of standalone.upstreams.entries()) {
    if (upstream.id === undefined) throw new GatewayConfigError(`upstream #${index}: id is required`);
    if (upstreams.has(upstream.id)) throw new GatewayConfigError(`upstream "${upstream.id}": duplicate id`);
    upstreams.set(upstream.id, createUpstream(upstream, upstream.id));
  }
  const seen = new Set<string>();
  return standalone.routes
    .filter((route) => route.status === 1)
    .map((route) => {
      if (seen.has(route.id)) throw new GatewayConfigError(`route "${route.id}": duplicate id`);
      seen.add(route.id);
      const upstream = route.upstream
        ? createUpstream(route.upstream, `route:${route.id}`)
        : upstreams.get(route.upstream_id ?? '');
      if (!upstream) throw new GatewayConfigError(`route "${route.id}": upstream_id "${route.upstream_id}" not found`);
      return {
        id: route.id,
        uris: route.uris ?? [route.uri ?? ''],
        methods: route.methods,
        priority: route.priority,
        vars: route.vars,
        plugins: createRoutePlugins(route.plugins, { routeId: route.id, consumers, ...shared }),
        upstream,
      };
    });
}

export type GatewayDependencies = ReturnType<typeof createDependencies>;
