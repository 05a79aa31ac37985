import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { serializeError } from './error-serializer';

/** Keys whose values are credentials or secret data wherever they appear in a log object. */
export const REDACTED_KEYS = [
  'authorization',
  'x-vault-token',
  'apikey',
  'x-admin-api-key',
  'x-service-token',
  'password',
  'secret_id',
  'secretId',
  'client_token',
  'clientToken',
  'token',
  'jwt',
  'value',
  'seed',
  'privateKey',
  'cookie',
  'set-cookie',
] as const;

export const REDACTION_CENSOR = '[REDACTED]';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const member = (key: string) => (IDENTIFIER.test(key) ? `.${key}` : `["${key}"]`);

/** The redaction paths: each key at the top level, one level down, and under req/res headers, body and data. */
export function redactionPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  const parents = ['*', 'req.headers', 'res.headers', 'headers', 'body', 'data', 'req.body', 'res.body', 'err.config.headers', 'err.response.data'];
  return keys.flatMap((key) => [
    IDENTIFIER.test(key) ? key : `["${key}"]`,
    ...parents.map((parent) => `${parent}${member(key)}`),
  ]);
}

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
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactionPaths([...REDACTED_KEYS, ...(options.redactKeys ?? [])]), censor: REDACTION_CENSOR },
      serializers: { err: (err: unknown) => serializeError(err), error: (err: unknown) => serializeError(err) },
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
