#!/usr/bin/env node
import { runCli } from './cli';
import { COMMANDS } from './commands/registry';

// The process shell: argv and stdio in, exit code out; everything else is in commands/.
runCli(
  process.argv.slice(2),
  {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    env: process.env,
  },
  COMMANDS,
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `secret-flows: ${(error as Error).message ?? String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
