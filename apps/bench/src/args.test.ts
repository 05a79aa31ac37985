import { DEFAULT_ARGS, parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('defaults to 10 s per scenario, 32 connections, a table, and docs/benchmarks.md', () => {
    expect(parseArgs([])).toEqual({
      isJson: false,
      durationSeconds: 10,
      connections: 32,
      warmupSeconds: 2,
      outFile: 'docs/benchmarks.md',
    });
    expect(DEFAULT_ARGS.durationSeconds).toBe(10);
  });

  it('reads --json, --duration, --connections and --warmup in both spellings', () => {
    expect(
      parseArgs(['--json', '--duration', '3', '--connections=8', '--warmup=0']),
    ).toMatchObject({
      isJson: true,
      durationSeconds: 3,
      connections: 8,
      warmupSeconds: 0,
    });
  });

  it('writes elsewhere with --out and nowhere with --no-write', () => {
    expect(parseArgs(['--out', 'tmp/b.md']).outFile).toBe('tmp/b.md');
    expect(parseArgs(['--no-write']).outFile).toBeUndefined();
  });

  it('runs only the named scenario groups with --only', () => {
    expect(parseArgs(['--only', 'sign']).only).toEqual(['sign']);
    expect(parseArgs(['--only=phase2,d']).only).toEqual(['phase2', 'd']);
    expect(parseArgs([]).only).toBeUndefined();
  });

  it.each([
    [['--only', 'everything']],
    [['--only', '']],
    [['--duration', '0']],
    [['--duration', '2.5']],
    [['--connections']],
    [['--connections', '100000']],
    [['--fast']],
    [['--out']],
  ])('refuses %j with the usage line', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(/usage: npm run bench/);
  });
});
