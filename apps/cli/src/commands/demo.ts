import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo, type DemoStep } from '../platform/demo-flow';
import { findRepoRoot } from '../platform/layout';
import { readPlatformFile } from '../platform/platform-file';
import type { Command } from './command';

const USAGE = `usage: secret-flows demo [--phase 1|2|3|4]

Runs the phase's whole flow against the platform that \`npm start\` is running, through the
gateway, with the application SDK (@secret-flows/client), and prints each step. Reads the URLs
and credentials that \`npm start\` wrote to .secret-flows/run/platform.json.`;

export const demoCommand: Command = {
  summary: 'run the demo flow against the running platform (npm run demo)',
  async run(argv, io) {
    let values;
    try {
      values = parseArgs({
        args: argv,
        options: {
          phase: { type: 'string' },
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
    const info = readPlatformFile(
      path.join(findRepoRoot(), '.secret-flows', 'run'),
    );
    if (!info) {
      io.err(
        'no running platform found: start it first with `npm start -- --phase N`',
      );
      return 1;
    }
    if (values.phase && Number(values.phase) !== info.phase) {
      io.err(
        `the running platform is phase ${info.phase}; restart it with \`npm start -- --phase ${values.phase}\``,
      );
      return 1;
    }
    io.out(
      `Demo of phase ${info.phase} through the gateway at ${info.urls.gateway}\n`,
    );
    const print = (s: DemoStep) =>
      io.out(`${s.ok ? '✔' : '✘'} ${s.step}\n    ${s.detail}`);
    try {
      await runDemo(info, print);
      io.out('\nAll steps passed.');
      return 0;
    } catch (err) {
      io.err(`\ndemo failed: ${(err as Error).message}`);
      return 1;
    }
  },
};
