import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** Default GET; the sign scenarios POST a JSON body. */
  method?: 'GET' | 'POST';
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers outside 2xx, and connection errors or timeouts: a healthy run has none. */
  non2xx: number;
  errors: number;
  /** Count per HTTP status outside 2xx, so a failing run says how it failed (429, 503, ...). */
  failedStatuses?: Record<string, number>;
}

/** Drives one URL with autocannon (keep-alive connections, one request in flight on each). */
export async function runLoad(options: LoadOptions): Promise<Measurement> {
  const result = await autocannon({
    url: options.url,
    headers: options.headers,
    method: options.method,
    body: options.body,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
  });
  return {
    requestsPerSecond: Math.round(
      result.requests.total / options.durationSeconds,
    ),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    failedStatuses: failedStatuses(
      result.statusCodeStats as Record<string, { count: number }> | undefined,
    ),
  };
}

function failedStatuses(
  stats: Record<string, { count: number }> | undefined,
): Record<string, number> | undefined {
  const failed = Object.entries(stats ?? {}).filter(
    ([code]) => !code.startsWith('2'),
  );
  return failed.length
    ? Object.fromEntries(failed.map(([code, s]) => [code, s.count]))
    : undefined;
}

/** Load that is not measured: lets each process on the path compile its hot code first. */
export async function warmUp(
  options: Omit<LoadOptions, 'durationSeconds'>,
  seconds: number,
): Promise<void> {
  if (seconds > 0) await runLoad({ ...options, durationSeconds: seconds });
}

/** Nearest-rank percentile of a list of latencies. */
export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const rank = Math.min(
    sortedMs.length - 1,
    Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1),
  );
  return sortedMs[rank];
}

/**
 * Runs `call` from `concurrency` loops for `durationSeconds` in this process and measures it
 * like autocannon does (requests/s, p50/p99); a rejected call counts as an error.
 */
export async function runLoop(
  call: () => Promise<unknown>,
  concurrency: number,
  durationSeconds: number,
): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationSeconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      try {
        await call();
        latencies.push(performance.now() - start);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / durationSeconds),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    requests: latencies.length,
    non2xx: 0,
    errors,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
