/**
 * Vault's wire formats for times and durations (Vault: sdk/logical/translate_response.go; Go's time.Time and time.Duration): Go `time.Time`
 * JSON (RFC3339Nano with trailing zeros trimmed), Go `Duration.String()`, and the
 * duration strings clients send ("60s", "5m", "1h30m" or plain integer seconds).
 */

/** Formats epoch milliseconds like Go's RFC3339Nano (`2026-01-02T03:04:05.12Z`). */
export function rfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  const [head, frac] = iso.slice(0, -1).split('.');
  const trimmed = (frac ?? '').replace(/0+$/, '');
  return trimmed ? `${head}.${trimmed}Z` : `${head}Z`;
}

/** Go `time.Duration.String()` for whole seconds: 0 -> "0s", 3600 -> "1h0m0s". */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(Math.round(seconds));
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

/** Vault's `humanDuration`: Go duration string with trailing zero units trimmed ("2h", "59m40s"). */
export function humanDuration(seconds: number): string {
  let s = goDuration(seconds);
  if (s.endsWith('m0s')) s = s.slice(0, -2);
  if (s.endsWith('h0m')) s = s.slice(0, -2);
  return s;
}

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/**
 * Parses a TTL the way Vault's `parseutil.ParseDurationSecond` does: integers are seconds,
 * strings may be integers or Go durations (plus `d`). Returns undefined when unparseable.
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number')
    return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number.parseInt(text, 10);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let sign = 1;
  let body = text;
  if (body.startsWith('-')) {
    sign = -1;
    body = body.slice(1);
  }
  if (body === '') return undefined;
  re.lastIndex = 0;
  let consumed = 0;
  for (let match = re.exec(body); match; match = re.exec(body)) {
    total += Number.parseFloat(match[1]) * UNIT_SECONDS[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== body.length) return undefined;
  return sign * Math.floor(total);
}

/** Go `strconv.ParseBool`. Returns undefined for anything else. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Vault's field-data bool coercion: booleans, Go bool strings, 0/1 numbers. */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return parseGoBool(value);
  return undefined;
}
