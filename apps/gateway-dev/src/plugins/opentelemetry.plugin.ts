import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  isSpanContextValid,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { z } from 'zod';
import {
  createIdSource,
  formatTraceParent,
  parseTraceParent,
  type TraceParent,
} from '../tracing/trace-context';
import { parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  RoutePlugin,
} from './plugin.types';

const simpleSampler = z.strictObject({
  name: z.enum(['always_on', 'always_off', 'trace_id_ratio']),
  options: z
    .strictObject({ fraction: z.number().min(0).max(1).default(0) })
    .optional(),
});

// additional_attributes and friends only decorate exported spans with request data; they are
// refused rather than ignored.
const openTelemetrySchema = z.strictObject({
  sampler: z
    .strictObject({
      name: z
        .enum(['always_on', 'always_off', 'trace_id_ratio', 'parent_base'])
        .default('always_off'),
      options: z
        .strictObject({
          fraction: z.number().min(0).max(1).default(0),
          root: simpleSampler.optional(),
        })
        .optional(),
    })
    .default({ name: 'always_off' }),
});

type Decide = (parentSampled: boolean | undefined, traceId: string) => boolean;

/**
 * APISIX opentelemetry: continues the caller's W3C trace (or starts one) as the gateway's own
 * span and injects that span as the upstream's `traceparent`. Sampling follows the configured
 * sampler (APISIX's default is always_off). With a tracer, sampled spans are recorded and
 * exported; without one, only the ids are made (nothing would export them).
 */
export function createOpenTelemetryPlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const conf = parsePluginConfig(openTelemetrySchema, config, {
    routeId: context.routeId,
    plugin: 'opentelemetry',
  });
  const decide = createDecision(conf.sampler);
  const { tracer } = context;
  const ids = createIdSource();

  return {
    name: 'opentelemetry',
    priority: 12009,
    phase: 'rewrite',
    handle(request: GatewayRequest) {
      const incoming = request.headers.traceparent;
      const parent = parseTraceParent(
        Array.isArray(incoming) ? incoming[0] : incoming,
      );
      const traceId = parent?.traceId ?? ids.traceId();
      const isSampled = decide(parent?.isSampled, traceId);
      const span =
        tracer && isSampled ? startSpan(tracer, request, parent) : undefined;
      request.headers.traceparent = formatTraceParent(
        span ?? { traceId, spanId: ids.spanId(), isSampled },
      );
      // A tracestate without a valid parent belongs to no trace we continue.
      if (!parent) delete request.headers.tracestate;
      return undefined;
    },
  };
}

/** Starts the gateway's SERVER span and ends it with the response; undefined if the SDK made none. */
function startSpan(
  tracer: Tracer,
  request: GatewayRequest,
  parent: TraceParent | undefined,
): TraceParent | undefined {
  const parentContext = parent
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: parent.traceId,
        spanId: parent.spanId,
        traceFlags: parent.isSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
        isRemote: true,
      })
    : ROOT_CONTEXT;
  // Attributes name the route and method only: paths can carry secret names, queries keys.
  const span = tracer.startSpan(
    `${request.method} ${request.routeId}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'apisix.route_id': request.routeId,
      },
    },
    parentContext,
  );
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext) || spanContext.spanId === parent?.spanId)
    return undefined;
  request.onResponse.push((status) => {
    span.setAttribute('http.response.status_code', status);
    if (request.consumerName)
      span.setAttribute('apisix.consumer_name', request.consumerName);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return {
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    isSampled:
      (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
  };
}

type SamplerConfig = z.infer<typeof openTelemetrySchema>['sampler'];
type SimpleName = z.infer<typeof simpleSampler>['name'];

function createDecision(sampler: SamplerConfig): Decide {
  if (sampler.name === 'parent_base') {
    const root = sampler.options?.root;
    const rootDecide = simpleDecision(
      root?.name ?? 'always_off',
      root?.options?.fraction ?? 0,
    );
    return (parentSampled, traceId) => parentSampled ?? rootDecide(traceId);
  }
  const decideSimple = simpleDecision(
    sampler.name,
    sampler.options?.fraction ?? 0,
  );
  return (_parentSampled, traceId) => decideSimple(traceId);
}

function simpleDecision(
  name: SimpleName,
  fraction: number,
): (traceId: string) => boolean {
  if (name === 'always_on') return () => true;
  if (name === 'always_off') return () => false;
  // The OpenTelemetry TraceIdRatioBased rule: compare the trace id's low bytes with the bound.
  return (traceId) => parseInt(traceId.slice(-8), 16) / 0xffffffff < fraction;
}
