import { isError, serializeError } from './error-serializer';

/** Keys whose values are credentials or secret data wherever they appear in a log object (any case). */
export const REDACTED_KEYS = [
  'authorization',
  'proxy-authorization',
  'x-vault-token',
  'apikey',
  'x-api-key',
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
  'private_key',
  'cookie',
  'set-cookie',
] as const;

export const REDACTION_CENSOR = '[REDACTED]';

// Deep enough for req.headers.x, err.cause.config.headers.x; cycles end here too.
const MAX_DEPTH = 8;

type Json = Record<string, unknown>;

function isPlainObject(value: object): value is Json {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a redactor that replaces the value of every listed key (case-insensitive) at any depth.
 * Objects are copied only where something changes, so a clean log line costs a walk, not a copy.
 * (pino's path-based redaction cost ~100-200 µs per line with this many keys and could not see
 * `Authorization` spelled with a capital, which is how axios and Node clients send it.)
 */
export function createRedactor(
  keys: readonly string[] = REDACTED_KEYS,
  censor: unknown = REDACTION_CENSOR,
) {
  const secretKeys = new Set(keys.map((key) => key.toLowerCase()));

  function redact(value: unknown, depth: number): unknown {
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH)
      return value;
    // Errors become plain objects first: JSON.stringify would call AxiosError.toJSON(), which
    // copies the request config, headers included.
    if (isError(value)) return redact(serializeError(value), depth);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const clean = redact(item, depth + 1);
        if (clean !== item) (copy ??= [...value])[i] = clean;
      });
      return copy ?? value;
    }
    let source = value as Json;
    if (!isPlainObject(source)) {
      // Class instances (AxiosHeaders, Date, Buffer) are logged as their toJSON(); redact that.
      const toJSON = (source as { toJSON?: unknown }).toJSON;
      if (typeof toJSON !== 'function') return value;
      const json = (toJSON as () => unknown).call(source);
      return json !== null && typeof json === 'object'
        ? redact(json, depth)
        : json;
    }
    let copy: Json | undefined;
    for (const key of Object.keys(source)) {
      const item = source[key];
      const clean =
        secretKeys.has(key.toLowerCase()) && item !== undefined
          ? censor
          : redact(item, depth + 1);
      if (clean !== item) (copy ??= { ...source })[key] = clean;
    }
    source = copy ?? source;
    return source;
  }

  return (value: unknown): unknown => redact(value, 0);
}
