// The benchmark process (docs/benchmarks.md): `npm run bench [-- --json] [--duration S] [--connections N]`.
// It needs the built services (`npm run build`), starts each phase's platform on loopback in turn,
// and stops everything it started before it exits.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '@secret-flows/cli';
import { parseArgs, UsageError } from './args';
import { renderMarkdown, renderText, updateDocument } from './report';
import type { BenchReport, MachineInfo } from './results';
import { runBench } from './run-bench';

function machine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg(),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Progress goes to stderr so that `--json` leaves stdout to the one JSON document.
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    command: ['npm run bench --', ...process.argv.slice(2)]
      .join(' ')
      .replace(/ --$/, ''),
    durationSeconds: args.durationSeconds,
    connections: args.connections,
    machine: machine(),
    scenarios: [],
  };
  report.scenarios = await runBench(args, say);
  report.machine.loadAverageEnd = os.loadavg();
  process.stdout.write(
    args.isJson ? `${JSON.stringify(report)}\n` : `${renderText(report)}\n`,
  );
  if (args.outFile) {
    const file = path.resolve(findRepoRoot(), args.outFile);
    const existing = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8')
      : undefined;
    fs.writeFileSync(file, updateDocument(existing, renderMarkdown(report)));
    say(`results written to ${path.relative(process.cwd(), file) || file}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof UsageError
      ? `${err.message}\n`
      : `bench failed: ${(err as Error).stack ?? String(err)}\n`,
  );
  process.exit(err instanceof UsageError ? 2 : 1);
});
