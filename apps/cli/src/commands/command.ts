/** Where a command writes; injectable so tests capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

/** A subcommand of `secret-flows`; each lives in its own file under src/commands/. */
export interface Command {
  summary: string;
  /** Returns the process exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}
