/** Command-line options of `npm run bench` (docs/benchmarks.md). */
export interface BenchArgs {
  /** Print the results as one JSON document instead of the table. */
  isJson: boolean;
  /** Measured seconds per scenario. */
  durationSeconds: number;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** Unmeasured seconds of load before each scenario, so every process has run its JIT. */
  warmupSeconds: number;
  /** Where the Markdown results go (relative to the repository root); undefined = nowhere. */
  outFile: string | undefined;
  /** Only these scenario groups (`phase2`, `c`, `d`, `sign`); undefined = all. */
  only?: string[];
}

export const DEFAULT_ARGS: BenchArgs = {
  isJson: false,
  durationSeconds: 10,
  connections: 32,
  warmupSeconds: 2,
  outFile: 'docs/benchmarks.md',
};

export const USAGE =
  'usage: npm run bench [-- --json] [--duration S] [--connections N] [--warmup S] [--out FILE | --no-write] [--only phase2,c,d,sign]';

export const SCENARIO_GROUPS = ['phase2', 'c', 'd', 'sign'] as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

// Bounds keep a typo from turning the benchmark into an hour-long or self-defeating run.
const LIMITS = {
  durationSeconds: [1, 300],
  connections: [1, 1024],
  warmupSeconds: [0, 60],
} as const;

function numberOption(
  name: keyof typeof LIMITS,
  flag: string,
  raw: string | undefined,
): number {
  const value = Number(raw);
  const [min, max] = LIMITS[name];
  if (
    raw === undefined ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new UsageError(
      `${flag} needs a whole number from ${min} to ${max}\n${USAGE}`,
    );
  }
  return value;
}

/** Parses `argv` (without node and the script); throws UsageError with the usage line. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { ...DEFAULT_ARGS };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--json':
        args.isJson = true;
        break;
      case '--duration':
        args.durationSeconds = numberOption('durationSeconds', flag, value());
        break;
      case '--connections':
        args.connections = numberOption('connections', flag, value());
        break;
      case '--warmup':
        args.warmupSeconds = numberOption('warmupSeconds', flag, value());
        break;
      case '--out': {
        const file = value();
        if (!file) throw new UsageError(`--out needs a file name\n${USAGE}`);
        args.outFile = file;
        break;
      }
      case '--only': {
        const groups = (value() ?? '').split(',').filter(Boolean);
        const unknown = groups.filter(
          (g) => !(SCENARIO_GROUPS as readonly string[]).includes(g),
        );
        if (groups.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--only takes a comma list of ${SCENARIO_GROUPS.join(', ')}\n${USAGE}`,
          );
        args.only = groups;
        break;
      }
      case '--no-write':
        args.outFile = undefined;
        break;
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  return args;
}
