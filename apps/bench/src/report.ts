import type { BenchReport, ScenarioResult } from './results';
import {
  cpuRatio,
  cpuTotal,
  evaluateTargets,
  ratio,
  type TargetCheck,
} from './targets';

const HEADER = [
  '',
  'scenario',
  'req/s',
  'p50 ms',
  'p99 ms',
  'non-2xx/errors',
  'CPU ms/request: path total (per process)',
  'RSS MB at end (peak)',
  'logins / exchanges / JWKS fetches',
];

function cpuCell(r: ScenarioResult): string {
  const total = cpuTotal(r);
  if (total === undefined) return '—';
  const parts = Object.entries(r.cpuMsPerRequest).map(
    ([name, ms]) => `${name} ${ms.toFixed(2)}`,
  );
  return `${total.toFixed(2)} (${parts.join(', ')})`;
}

function memoryCell(r: ScenarioResult): string {
  const parts = Object.entries(r.memory).map(([name, m]) =>
    m ? `${name} ${m.rssMb} (${m.peakRssMb})` : `${name} ?`,
  );
  return parts.join(', ') || '—';
}

function countsCell(r: ScenarioResult): string {
  const show = (n: number | undefined) => (n === undefined ? '—' : String(n));
  const parts = Object.entries(r.counts).map(
    ([name, c]) =>
      `${name} ${show(c.vaultLogins)}/${show(c.jwtExchanges)}/${show(c.jwksFetches)}`,
  );
  return parts.join(', ') || '—';
}

/** One row per scenario: the cells of the results table. */
export function tableRows(results: ScenarioResult[]): string[][] {
  return results.map((r) => {
    const m = r.measurement;
    if (!m)
      return [
        r.id,
        r.label,
        'not measured',
        '',
        '',
        '',
        '',
        '',
        r.skipped ?? '',
      ];
    return [
      r.id,
      r.label,
      String(m.requestsPerSecond),
      String(m.p50Ms),
      String(m.p99Ms),
      `${m.non2xx}/${m.errors}${
        m.failedStatuses
          ? ` (${Object.entries(m.failedStatuses)
              .map(([c, n]) => `${n}× ${c}`)
              .join(', ')})`
          : ''
      }`,
      cpuCell(r),
      memoryCell(r),
      countsCell(r),
    ];
  });
}

function verdict(c: TargetCheck): string {
  return c.isMet === undefined ? 'n/a' : c.isMet ? 'met' : 'MISSED';
}

/** The plain-text report printed on stdout. */
export function renderText(report: BenchReport): string {
  const rows = [HEADER, ...tableRows(report.scenarios)];
  const widths = HEADER.map((_, i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r
      .map((cell, i) => (cell ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const ce = ratio(report.scenarios, 'c', 'e');
  const de = ratio(report.scenarios, 'd', 'e');
  const fmt = (n: number | undefined) =>
    n === undefined ? 'n/a' : n.toFixed(2);
  return [
    `Secret Flows benchmark: ${report.connections} connections, ${report.durationSeconds} s per scenario`,
    '',
    ...rows.map(line),
    '',
    `ratios: (c)/(e) = ${fmt(ce)}   (d)/(e) = ${fmt(de)}   (a)/bare = ${fmt(ratio(report.scenarios, 'a', 'bare'))}`,
    `by CPU per request: (c)/(e) = ${fmt(cpuRatio(report.scenarios, 'c', 'e'))}   (d)/(e) = ${fmt(cpuRatio(report.scenarios, 'd', 'e'))}`,
    '',
    'targets:',
    ...evaluateTargets(report.scenarios).map(
      (c) => `  ${verdict(c).padEnd(6)} ${c.target}: ${c.measured}`,
    ),
  ].join('\n');
}

function loadText(load: number[]): string {
  return load.map((l) => l.toFixed(1)).join(' / ');
}

function mdRow(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** The generated part of docs/benchmarks.md. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const fmt = (n: number | undefined) =>
    n === undefined ? 'n/a' : n.toFixed(2);
  return [
    `Run ${report.startedAt} with \`${report.command}\`: ${report.connections} connections, ${report.durationSeconds} s per scenario after a warm-up, loopback only, every service with \`LOG_LEVEL=warn\`.`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.totalMemoryGb} GB RAM, Node ${m.node} on ${m.platform}; load average (1/5/15 min) ${loadText(m.loadAverage)} at the start and ${m.loadAverageEnd ? loadText(m.loadAverageEnd) : 'n/a'} at the end (the machine is shared with other work).`,
    '',
    mdRow(HEADER.map((h) => h || 'id')),
    mdRow(HEADER.map(() => '---')),
    ...tableRows(report.scenarios).map(mdRow),
    '',
    `Ratios: **(c)/(e) = ${fmt(ratio(report.scenarios, 'c', 'e'))}**, **(d)/(e) = ${fmt(ratio(report.scenarios, 'd', 'e'))}**, (a)/bare = ${fmt(ratio(report.scenarios, 'a', 'bare'))}. ` +
      `The same ratios predicted from CPU time per request alone (less sensitive to other load on the machine): (c)/(e) = ${fmt(cpuRatio(report.scenarios, 'c', 'e'))}, (d)/(e) = ${fmt(cpuRatio(report.scenarios, 'd', 'e'))}.`,
    '',
    mdRow(['target', 'measured', 'verdict']),
    mdRow(['---', '---', '---']),
    ...evaluateTargets(report.scenarios).map((c) =>
      mdRow([c.target, c.measured, verdict(c)]),
    ),
  ].join('\n');
}

export const GENERATED_START = '<!-- bench:results:start -->';
export const GENERATED_END = '<!-- bench:results:end -->';

/** Replaces the generated block of an existing document (keeping the hand-written analysis), or makes a new one. */
export function updateDocument(
  existing: string | undefined,
  generated: string,
): string {
  const block = `${GENERATED_START}\n${generated}\n${GENERATED_END}`;
  if (existing?.includes(GENERATED_START) && existing.includes(GENERATED_END)) {
    const start = existing.indexOf(GENERATED_START);
    const end = existing.indexOf(GENERATED_END) + GENERATED_END.length;
    return existing.slice(0, start) + block + existing.slice(end);
  }
  return `# Benchmarks\n\nGenerated by \`npm run bench\` (apps/bench); see apps/bench/README.md for the scenarios and targets.\n\n${block}\n`;
}
