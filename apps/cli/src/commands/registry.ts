import { bootstrapCommand } from './bootstrap';
import type { Command } from './command';
import { demoCommand } from './demo';
import { startCommand } from './start';

/** The subcommands of `secret-flows`; add a file under src/commands/ and register it here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  bootstrap: bootstrapCommand,
  start: startCommand,
  demo: demoCommand,
};
