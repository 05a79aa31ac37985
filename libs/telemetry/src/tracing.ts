import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /**
   * OTLP/HTTP collector base URL (spans go to `<url>/v1/traces`). When omitted, the standard
   * OTEL_EXPORTER_OTLP_ENDPOINT variable is used; when neither is set nothing is exported.
   */
  otlpEndpoint?: string;
  /** An exporter to use instead of OTLP (tests pass an InMemorySpanExporter); spans are exported at once. */
  exporter?: SpanExporter;
  /** Timeout of one OTLP export; default 5000. */
  exportTimeoutMs?: number;
}

export interface Telemetry {
  tracer: Tracer;
  provider: NodeTracerProvider;
  /** Flushes pending spans and unregisters the global provider, propagators and context manager. */
  shutdown(): Promise<void>;
}

function otlpTracesUrl(endpoint: string): string {
  // OTEL_EXPORTER_OTLP_ENDPOINT is the base URL; the per-signal path is appended (OTLP spec, "Endpoint URLs for OTLP/HTTP").
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Creates and registers the process's tracer provider with W3C trace context and baggage propagation.
 *
 * @example
 * const telemetry = initTelemetry({ serviceName: 'wallet', otlpEndpoint: config.otlpEndpoint });
 * process.on('SIGTERM', () => void telemetry.shutdown());
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (!options.serviceName) throw new TypeError('serviceName is required');
  // The one place a library reads the environment: the standard OTel variable, so an operator
  // can point any service at a collector without the app knowing about it.
  const endpoint =
    options.otlpEndpoint ?? process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const spanProcessors: SpanProcessor[] = [];
  if (options.exporter) {
    spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  } else if (endpoint) {
    const exporter = new OTLPTraceExporter({
      url: otlpTracesUrl(endpoint),
      timeoutMillis: options.exportTimeoutMs ?? 5000,
    });
    spanProcessors.push(new BatchSpanProcessor(exporter));
  }
  const attributes: Record<string, string> = {
    'service.name': options.serviceName,
  };
  if (options.serviceVersion)
    attributes['service.version'] = options.serviceVersion;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(attributes),
    spanProcessors,
  });
  // register() installs the AsyncLocalStorage context manager and the W3C TraceContext +
  // Baggage propagators that tracingMiddleware and instrumentAxios use explicitly.
  provider.register();
  return {
    tracer: provider.getTracer(options.serviceName),
    provider,
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}
