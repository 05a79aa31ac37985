import {
  SpanStatusCode,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';

const DEFAULT_TRACER_NAME = '@secret-flows/telemetry';

/** Adds attributes such as `tenant.id` or `secret_flows.operation` to the active span, if any. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

function errorKind(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'error';
}

/**
 * Runs `fn` inside an INTERNAL span; a failure marks the span with the error's code or name only
 * (error messages may carry paths or values, spans must not).
 *
 * @example
 * const secret = await withSpan('wallet secret.get', () => secrets.get(name), { attributes: { 'tenant.id': tenantId } });
 */
export async function withSpan<T>(
  name: string,
  fn: () => Promise<T>,
  options: { tracer?: Tracer; attributes?: Attributes } = {},
): Promise<T> {
  const tracer = options.tracer ?? trace.getTracer(DEFAULT_TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    { attributes: options.attributes ?? {} },
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorKind(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
