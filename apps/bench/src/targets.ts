import type { ScenarioId, ScenarioResult } from './results';

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: could not be judged (scenario skipped, metric not exposed). */
  isMet: boolean | undefined;
}

// Listed in docs/benchmarks.md.
const MIN_CHAIN_RATIO = 0.5;
const MAX_P99_FACTOR = 2;
const MIN_VAULT_DEV_RATIO = 0.25;
const MAX_RSS_MB = 120;

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/** Throughput of `id` divided by that of `base`, when both were measured. */
export function ratio(
  results: ScenarioResult[],
  id: ScenarioId,
  base: ScenarioId,
): number | undefined {
  const a = results.find((r) => r.id === id)?.measurement;
  const b = results.find((r) => r.id === base)?.measurement;
  if (!a || !b || b.requestsPerSecond === 0) return undefined;
  return a.requestsPerSecond / b.requestsPerSecond;
}

/** Sum of the CPU ms per request of every process on a scenario's path. */
export function cpuTotal(r: ScenarioResult | undefined): number | undefined {
  const values = Object.values(r?.cpuMsPerRequest ?? {});
  return values.length ? values.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * The throughput ratio the CPU cost alone predicts (CPU per request of `base` over that of `id`):
 * on a shared machine it moves far less with other people's load than the measured req/s.
 */
export function cpuRatio(
  results: ScenarioResult[],
  id: ScenarioId,
  base: ScenarioId,
): number | undefined {
  const a = cpuTotal(results.find((r) => r.id === id));
  const b = cpuTotal(results.find((r) => r.id === base));
  return a && b ? b / a : undefined;
}

function p99Factor(
  results: ScenarioResult[],
  id: ScenarioId,
  base: ScenarioId,
): number | undefined {
  const a = results.find((r) => r.id === id)?.measurement;
  const b = results.find((r) => r.id === base)?.measurement;
  if (!a || !b || b.p99Ms === 0) return undefined;
  return a.p99Ms / b.p99Ms;
}

function check(
  target: string,
  value: number | undefined,
  isMet: (v: number) => boolean,
  unit = '',
): TargetCheck {
  return value === undefined
    ? { target, measured: 'not measured', isMet: undefined }
    : { target, measured: `${fmt(value)}${unit}`, isMet: isMet(value) };
}

function countCheck(
  results: ScenarioResult[],
  id: ScenarioId,
  service: string,
  key: 'vaultLogins' | 'jwtExchanges' | 'jwksFetches',
  target: string,
): TargetCheck {
  const value = results.find((r) => r.id === id)?.counts[service]?.[key];
  return check(target, value, (v) => v === 1);
}

/** Every benchmark target, judged against one run's results. */
export function evaluateTargets(results: ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [
    check(
      `(c)/(e) throughput >= ${MIN_CHAIN_RATIO}`,
      ratio(results, 'c', 'e'),
      (v) => v >= MIN_CHAIN_RATIO,
    ),
    check(
      `(d)/(e) throughput >= ${MIN_CHAIN_RATIO}`,
      ratio(results, 'd', 'e'),
      (v) => v >= MIN_CHAIN_RATIO,
    ),
    check(
      `p99 (c) <= ${MAX_P99_FACTOR}x p99 (e)`,
      p99Factor(results, 'c', 'e'),
      (v) => v <= MAX_P99_FACTOR,
      'x',
    ),
    check(
      `p99 (d) <= ${MAX_P99_FACTOR}x p99 (e)`,
      p99Factor(results, 'd', 'e'),
      (v) => v <= MAX_P99_FACTOR,
      'x',
    ),
    check(
      `vault-dev KV read >= ${MIN_VAULT_DEV_RATIO}x bare node:http`,
      ratio(results, 'a', 'bare'),
      (v) => v >= MIN_VAULT_DEV_RATIO,
    ),
    // Counted by Vault (live tokens by login path): the agent's login in phase 2, the wallet's after.
    countCheck(
      results,
      'b',
      'vault',
      'vaultLogins',
      'one AppRole login for the whole run, phase 2 (agent)',
    ),
    countCheck(
      results,
      'c',
      'vault',
      'vaultLogins',
      'one AppRole login for the whole run, phase 3 (wallet)',
    ),
    countCheck(
      results,
      'd',
      'vault',
      'vaultLogins',
      'one AppRole login for the whole run, phase 4 (wallet)',
    ),
    countCheck(
      results,
      'd',
      'vault',
      'jwtExchanges',
      'one JWT exchange for the one tenant JWT, phase 4 (wallet)',
    ),
  ];
  for (const id of ['c', 'd'] as const) {
    for (const service of ['agent', 'wallet']) {
      checks.push(
        countCheck(
          results,
          id,
          service,
          'jwksFetches',
          `one JWKS fetch for the one key id: ${service}, (${id})`,
        ),
      );
    }
  }
  for (const r of results) {
    for (const [name, mem] of Object.entries(r.memory)) {
      if (
        ['vault', 'wallet', 'agent', 'gateway'].includes(name) &&
        ['b', 'c', 'd'].includes(r.id)
      ) {
        checks.push(
          check(
            `${name} < ${MAX_RSS_MB} MB RSS at the end of (${r.id})`,
            mem?.rssMb,
            (v) => v < MAX_RSS_MB,
            ' MB',
          ),
        );
      }
    }
  }
  return checks;
}
