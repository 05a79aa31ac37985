import { context, trace } from '@opentelemetry/api';
import pino, {
  type DestinationStream,
  type Logger,
  type LevelWithSilent,
} from 'pino';
import { serializeError } from './error-serializer';
import { REDACTED_KEYS, REDACTION_CENSOR, createRedactor } from './redact';

export interface LoggerOptions {
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; default stdout. Tests pass a stream and read what was written. */
  destination?: DestinationStream;
  /** Extra keys to redact besides REDACTED_KEYS. */
  redactKeys?: readonly string[];
}

/**
 * Creates a pino JSON-lines logger that stamps trace_id/span_id from the active span and redacts credentials.
 *
 * @example
 * const logger = createLogger({ name: 'wallet', level: config.logLevel });
 * withRequestId(logger, res.locals.requestId).info({ tenantId }, 'secret read');
 */
export function createLogger(options: LoggerOptions): Logger {
  const redact = createRedactor([
    ...REDACTED_KEYS,
    ...(options.redactKeys ?? []),
  ]);
  const serializeAndRedact = (err: unknown) => redact(serializeError(err));
  // pino passes child bindings through serializers but not through formatters.log, so the
  // credential keys also get a serializer: `logger.child({ token })` cannot leak either.
  const censorByKey = Object.fromEntries(
    [...REDACTED_KEYS, ...(options.redactKeys ?? [])].map((key) => [
      key,
      (v: unknown) => (v === undefined ? v : REDACTION_CENSOR),
    ]),
  );
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Runs on every logged object (not on child bindings) before serialization.
        log: (object) => redact(object) as Record<string, unknown>,
      },
      serializers: {
        ...censorByKey,
        err: serializeAndRedact,
        error: serializeAndRedact,
      },
      mixin() {
        const span = trace.getSpan(context.active());
        if (!span) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A child logger whose every line carries the request id. */
export function withRequestId(logger: Logger, requestId: string): Logger {
  return logger.child({ requestId });
}

export type { Logger };
