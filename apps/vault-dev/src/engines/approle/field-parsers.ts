/**
 * Request-field parsing shared by the auth methods and engines. Vault accepts the
 * same field in several encodings (JSON number or duration string, list or comma
 * string, bool or "true"), because form-encoded bodies and the CLI send strings.
 */
import { VaultError } from '../../core/backend';

const DURATION_UNITS_S: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Raises the 400 every malformed field gets. */
export function badField(message: string): never {
  throw new VaultError(400, [message]);
}

/** Parses Vault's TTL encodings (integer seconds, "90", "1h30m", "5m") into whole seconds. */
export function parseDurationSeconds(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value))
    return Math.trunc(value);
  if (typeof value !== 'string')
    badField(`error converting input for field "${field}": invalid duration`);
  const text = value.trim();
  if (text === '') return 0;
  if (/^-?\d+$/.test(text)) return Number(text);
  const parts = text.match(/^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+)$/);
  if (!parts)
    badField(
      `error converting input for field "${field}": time: invalid duration "${text}"`,
    );
  let total = 0;
  for (const m of parts[2].matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) {
    total += Number(m[1]) * DURATION_UNITS_S[m[2]];
  }
  return Math.trunc(parts[1] === '-' ? -total : total);
}

/** Renders seconds as Go's Duration.String() ("1h0m0s", "30s", "0s"). */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Lists arrive as JSON arrays or comma-separated strings; both mean the same. */
export function parseStringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value
      .map((v) => {
        if (typeof v !== 'string' && typeof v !== 'number')
          badField(
            `error converting input for field "${field}": expected a list of strings`,
          );
        return String(v).trim();
      })
      .filter((v) => v !== '');
  }
  if (typeof value === 'string')
    return value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return badField(
    `error converting input for field "${field}": expected a list of strings`,
  );
}

export function parseBool(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(1|t|true|0|f|false)$/i.test(value))
    return /^(1|t|true)$/i.test(value);
  if (typeof value === 'number' && (value === 0 || value === 1))
    return value === 1;
  return badField(
    `error converting input for field "${field}": expected a boolean`,
  );
}

export function parseInteger(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
    return Number(value.trim());
  return badField(
    `error converting input for field "${field}": expected an integer`,
  );
}

export function parseString(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return badField(
    `error converting input for field "${field}": expected a string`,
  );
}

/** Maps arrive as JSON objects, JSON strings or `k=v,k2=v2` (the CLI's form). */
export function parseStringMap(
  value: unknown,
  field: string,
): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  let source: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        source = JSON.parse(text);
      } catch {
        badField(`error converting input for field "${field}": invalid JSON`);
      }
    } else {
      source = Object.fromEntries(
        text.split(',').map((pair) => {
          const at = pair.indexOf('=');
          if (at <= 0)
            badField(
              `error converting input for field "${field}": expected key=value pairs`,
            );
          return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
        }),
      );
    }
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    badField(`error converting input for field "${field}": expected a map`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (typeof v !== 'string')
      badField(
        `error converting input for field "${field}": map values must be strings`,
      );
    out[k] = v;
  }
  return out;
}

/** Go's time.Time JSON form: RFC3339 with trailing fractional zeros trimmed. */
export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/\.Z$/, 'Z');
}

/** Go's zero time, which Vault prints for "never expires". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Own-property lookup, so names like `constructor` never resolve to Object.prototype members. */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key)
    ? record[key]
    : undefined;
}

/** Rejects `__proto__`, the one key a plain-object store cannot hold safely. */
export function storableKey(key: string, field: string): string {
  if (key === '__proto__') badField(`invalid ${field} "${key}"`);
  return key;
}
