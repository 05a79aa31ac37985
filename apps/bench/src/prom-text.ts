/**
 * Sums the samples of one metric in the Prometheus text format, optionally only those whose
 * labels include every given pair; undefined when the metric is not exposed at all.
 */
export function sumMetric(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const sampleLabels = parseLabels(match[3] ?? '');
    if (!Object.entries(labels).every(([k, v]) => sampleLabels[k] === v))
      continue;
    const value = Number(match[4]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** The first of `names` that the text exposes, summed (services name the same count differently). */
export function firstMetric(
  text: string,
  names: readonly string[],
  labels: Record<string, string> = {},
): number | undefined {
  for (const name of names) {
    const value = sumMetric(text, name, labels);
    if (value !== undefined) return value;
  }
  return undefined;
}

function parseLabels(raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of raw.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    labels[m[1]] = m[2];
  return labels;
}
