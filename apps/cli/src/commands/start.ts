import { parseArgs } from 'node:util';
import {
  describePlatform,
  platformInfo,
  removePlatformFile,
  writePlatformFile,
} from '../platform/platform-file';
import { startPlatform, type Platform } from '../platform/start-platform';
import type { Phase } from '../platform/layout';
import type { CliIo, Command } from './command';

const USAGE = `usage: secret-flows start [--phase 1|2|3|4] [--json] [--data-dir DIR] [--ephemeral-ports]

Runs the whole platform on 127.0.0.1: vault-dev, its bootstrap for the phase, the wallet
(phases 3-4), the agent and gateway-dev. Phase 4 by default. Prints the URLs and the demo
credentials once everything is ready (--json: one JSON line on stdout). Ctrl-C stops it all.`;

export const startCommand: Command = {
  summary: 'run the whole platform locally (npm start)',
  async run(argv, io) {
    let values;
    try {
      values = parseArgs({
        args: argv,
        options: {
          phase: { type: 'string', default: '4' },
          json: { type: 'boolean', default: false },
          'data-dir': { type: 'string' },
          'ephemeral-ports': { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
        strict: true,
      }).values;
    } catch (err) {
      io.err(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const phase = Number(values.phase);
    if (![1, 2, 3, 4].includes(phase)) {
      io.err(`--phase must be 1, 2, 3 or 4\n\n${USAGE}`);
      return 2;
    }
    // With --json, stdout carries exactly one JSON line; progress goes to stderr.
    const progress = (line: string) =>
      values.json ? io.err(line) : io.out(line);
    let platform: Platform;
    const startedAt = Date.now();
    try {
      platform = await startPlatform({
        phase: phase as Phase,
        dataDir: values['data-dir'],
        ephemeralPorts: values['ephemeral-ports'],
        progress,
      });
    } catch (err) {
      io.err(`secret-flows start: ${(err as Error).message}`);
      return 1;
    }
    const info = platformInfo(platform);
    writePlatformFile(platform.runDir, info);
    if (values.json) io.out(JSON.stringify(info));
    else
      io.out(
        `\n${describePlatform(info)}\n(ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; logs in ${platform.runDir}/logs)`,
      );
    return waitForShutdown(platform, io);
  },
};

/** Stops every process on SIGINT/SIGTERM, or when one of them dies on its own. */
function waitForShutdown(platform: Platform, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string, code: number) => {
      if (stopping) return;
      stopping = true;
      io.err(`stopping (${reason})…`);
      removePlatformFile(platform.runDir);
      void platform.stop().then(() => resolve(code));
    };
    process.once('SIGINT', () => stop('SIGINT', 0));
    process.once('SIGTERM', () => stop('SIGTERM', 0));
    for (const proc of Object.values(platform.processes)) {
      void proc
        ?.exited()
        .then((exitCode) =>
          stop(
            `${proc.name} exited with code ${exitCode}; see ${platform.logFiles[proc.name as keyof typeof platform.logFiles]}`,
            1,
          ),
        );
    }
  });
}
