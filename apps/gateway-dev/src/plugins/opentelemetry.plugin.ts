import { z } from 'zod';
import { formatTraceParent, newSpanId, newTraceId, parseTraceParent } from '../tracing/trace-context';
import { parsePluginConfig } from './plugin-config';
import type { GatewayRequest, PluginContext, RoutePlugin } from './plugin.types';

const simpleSampler = z.strictObject({
  name: z.enum(['always_on', 'always_off', 'trace_id_ratio']),
  options: z.strictObject({ fraction: z.number().min(0).max(1).default(0) }).optional(),
});

// additional_attributes and friends only decorate exported spans; gateway-dev exports none,
// so they are refused instead of being ignored.
const openTelemetrySchema = z.strictObject({
  sampler: z
    .strictObject({
      name: z.enum(['always_on', 'always_off', 'trace_id_ratio', 'parent_base']).default('always_off'),
      options: z
        .strictObject({ fraction: z.number().min(0).max(1).default(0), root: simpleSampler.optional() })
        .optional(),
    })
    .default({ name: 'always_off' }),
});

type Decide = (parentSampled: boolean | undefined, traceId: string) => boolean;

/**
 * APISIX opentelemetry, propagation part: continues the caller's W3C trace (or starts one) as
 * the gateway's own span and injects that span as the upstream's `traceparent`. Sampling
 * follows the configured sampler (APISIX's default is always_off).
 */
export function createOpenTelemetryPlugin(config: unknown, context: PluginContext): RoutePlugin {
  const conf = parsePluginConfig(openTelemetrySchema, config, { routeId: context.routeId, plugin: 'opentelemetry' });
  const root = conf.sampler.options?.root;
  const rootDecide = simpleDecision(root?.name ?? 'always_off', root?.options?.fraction ?? 0);
  const decide: Decide =
    conf.sampler.name === 'parent_base'
      ? (parentSampled, traceId) => parentSampled ?? rootDecide(traceId)
      : (_parentSampled, traceId) => simpleDecision(conf.sampler.name as SimpleName, conf.sampler.options?.fraction ?? 0)(traceId);

  return {
    name: 'opentelemetry',
    priority: 12009,
    phase: 'rewrite',
    handle(request: GatewayRequest) {
      const incoming = request.headers.traceparent;
      const parent = parseTraceParent(Array.isArray(incoming) ? incoming[0] : incoming);
      const traceId = parent?.traceId ?? newTraceId();
      request.headers.traceparent = formatTraceParent({
        traceId,
        spanId: newSpanId(),
        isSampled: decide(parent?.isSampled, traceId),
      });
      // A tracestate without a valid parent belongs to no trace we continue.
      if (!parent) delete request.headers.tracestate;
      return undefined;
    },
  };
}

type SimpleName = 'always_on' | 'always_off' | 'trace_id_ratio';

function simpleDecision(name: SimpleName, fraction: number): (traceId: string) => boolean {
  if (name === 'always_on') return () => true;
  if (name === 'always_off') return () => false;
  // The OpenTelemetry TraceIdRatioBased rule: compare the trace id's low 8 bytes with the bound.
  return (traceId) => parseInt(traceId.slice(-8), 16) / 0xffffffff < fraction;
}
