const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
};

/** Go-style duration (`1h`, `90s`, `1h30m`) or plain seconds → whole seconds. */
export function durationSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value)
    throw new Error(`not a duration: ${value}`);
  return Math.round(
    parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0),
  );
}
