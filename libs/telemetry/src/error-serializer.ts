// pino's standard error serializer copies every enumerable property of an error. An AxiosError
// carries `config.headers` (Authorization, X-Vault-Token, X-Service-Token) and `request`, whose
// `_header` is the raw request head as one string: redaction paths cannot reach into that.
// So transport objects are dropped here and replaced by the two facts worth logging.
const DROPPED_KEYS = new Set([
  'config',
  'request',
  'response',
  'headers',
  'socket',
  'agent',
  'body',
  'data',
]);
const MAX_CAUSE_DEPTH = 5;

type ErrorLike = Error & Record<string, unknown>;

/** True for Error instances, also those created in another realm (Node core errors inside Jest). */
export function isError(value: unknown): value is ErrorLike {
  return (
    value instanceof Error ||
    Object.prototype.toString.call(value) === '[object Error]'
  );
}

function transportSummary(err: ErrorLike): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const response = err['response'] as { status?: unknown } | undefined;
  const config = err['config'] as { method?: unknown } | undefined;
  if (typeof response?.status === 'number') out['status'] = response.status;
  if (typeof config?.method === 'string')
    out['method'] = config.method.toUpperCase();
  return out;
}

/** Serializes an error for logs: type, message, stack, safe own fields and causes, never transport objects. */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!isError(err)) return err;
  const out: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: err.message,
    stack: err.stack,
    ...transportSummary(err),
  };
  for (const key of Object.keys(err)) {
    if (DROPPED_KEYS.has(key) || key === 'cause' || key in out) continue;
    const value = err[key];
    if (value === undefined || typeof value === 'function') continue;
    out[key] = isError(value)
      ? depth < MAX_CAUSE_DEPTH
        ? serializeError(value, depth + 1)
        : value.message
      : value;
  }
  if (err.cause !== undefined && depth < MAX_CAUSE_DEPTH)
    out['cause'] = serializeError(err.cause, depth + 1);
  return out;
}
