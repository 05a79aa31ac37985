import type { Tracer } from '@opentelemetry/api';
import type { CompiledRoute } from './app';
import { createConsumerDirectory } from './plugins/consumer-directory';
import { createRoutePlugins } from './plugins/plugin-registry';
import { createForwarder, type GatewayLogger } from './proxy/forward';
import {
  createRequestBudget,
  type RequestBudget,
} from './proxy/request-budget';
import type { BodyLimits } from './proxy/request-body';
import {
  createMissingUpstream,
  createUpstream,
  createUpstreamAgents,
  type Upstream,
  type UpstreamAgents,
} from './proxy/upstream';
import { createRouteMatcher } from './routing/route-matcher';
import { GatewayConfigError } from './standalone/config-error';
import type { SubstitutionEnv } from './standalone/env-substitution';
import {
  readStandaloneFile,
  type StandaloneConfig,
} from './standalone/standalone-file';

/** Inputs of the object graph. */
export interface DependencyOptions {
  readonly configPath: string;
  readonly env: SubstitutionEnv;
  readonly logger: GatewayLogger;
  readonly now?: () => number;
  readonly tracer?: Tracer;
  /** Connection pools to reuse (on reload), otherwise new ones are made with {@link tls}. */
  readonly agents?: UpstreamAgents;
  /** How https upstreams are checked (from config.yaml); APISIX's defaults when unset. */
  readonly tls?: UpstreamAgents['tls'];
  /** Bounds on what is held for requests in flight (shared across reloads). */
  readonly budget?: RequestBudget;
  /** client_max_body_size / client_body_timeout (from config.yaml); APISIX's defaults when unset. */
  readonly bodyLimits?: BodyLimits;
}

/** Loads apisix.yaml and builds routes, plugins, upstreams and the forwarder; throws GatewayConfigError. */
export function createDependencies(options: DependencyOptions) {
  const standalone = readStandaloneFile(options.configPath, options.env);
  const routes = compileRoutes(
    standalone,
    { now: options.now ?? Date.now, tracer: options.tracer },
    options.logger,
  );
  const agents = options.agents ?? createUpstreamAgents(options.tls);
  return {
    router: createRouteMatcher(routes),
    forward: createForwarder({
      agents,
      logger: options.logger,
      budget: options.budget ?? createRequestBudget(),
      bodyLimits: options.bodyLimits ?? {
        clientMaxBodySize: 0,
        clientBodyTimeoutMs: 60_000,
      },
    }),
    agents,
    routeIds: routes.map((route) => route.id),
  };
}

type RouteWithVars = CompiledRoute & {
  readonly vars?: StandaloneConfig['routes'][number]['vars'];
};

function compileRoutes(
  standalone: StandaloneConfig,
  shared: { now: () => number; tracer: Tracer | undefined },
  logger: GatewayLogger,
): RouteWithVars[] {
  const consumers = createConsumerDirectory(
    standalone.consumers,
    standalone.emptyVariables,
  );
  const upstreams = new Map<string, Upstream>();
  // APISIX's loader drops an upstream its schema refuses and logs why; the routes on it load
  // and answer 502 (the validator in ../shared/tools/apisix-validate reports the same).
  for (const rejected of standalone.rejectedUpstreams) {
    logger.error(
      { upstream: rejected.id, reason: rejected.reason },
      'upstream dropped as APISIX drops it: routes using it answer 502',
    );
    upstreams.set(
      rejected.id,
      createMissingUpstream(rejected.id, rejected.reason),
    );
  }
  for (const [index, upstream] of standalone.upstreams.entries()) {
    if (upstream.id === undefined)
      throw new GatewayConfigError(`upstream #${index}: id is required`);
    if (
      upstreams.has(upstream.id) &&
      !upstreams.get(upstream.id)?.missingReason
    )
      throw new GatewayConfigError(`upstream "${upstream.id}": duplicate id`);
    upstreams.set(upstream.id, createUpstream(upstream, upstream.id));
  }
  const seen = new Set<string>();
  return standalone.routes
    .filter((route) => route.status === 1)
    .map((route) => {
      if (seen.has(route.id))
        throw new GatewayConfigError(`route "${route.id}": duplicate id`);
      seen.add(route.id);
      let upstream = route.upstream
        ? createUpstream(route.upstream, `route:${route.id}`)
        : upstreams.get(route.upstream_id ?? '');
      if (!upstream) {
        // apisix/init.lua handle_upstream: an upstream_id that names nothing is a 502 per request.
        const reason = `upstream_id "${route.upstream_id}" not found`;
        logger.error(
          { route: route.id, reason },
          'route has no upstream: APISIX answers 502 on it',
        );
        upstream = createMissingUpstream(route.upstream_id ?? '', reason);
      }
      return {
        id: route.id,
        uris: route.uris ?? [route.uri ?? ''],
        methods: route.methods,
        priority: route.priority,
        vars: route.vars,
        plugins: createRoutePlugins(route.plugins, {
          routeId: route.id,
          consumers,
          ...shared,
        }),
        upstream,
      };
    });
}

export type GatewayDependencies = ReturnType<typeof createDependencies>;
