import { bootstrapCommand } from './bootstrap';
import type { Command } from './command';

/** The subcommands of `secret-flows`; add a file under src/commands/ and register it here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  bootstrap: bootstrapCommand,
};
