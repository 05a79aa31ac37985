import type { CliIo, Command } from './commands/command';

/** Dispatches `secret-flows <command> [args]` to a command from `commands`; returns the exit code. */
export async function runCli(
  argv: string[],
  io: CliIo,
  commands: Readonly<Record<string, Command>>,
): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`)
      .join('\n');
    const help = `usage: secret-flows <command> [options]\n\ncommands:\n${list}\n\nRun secret-flows <command> --help for its options.`;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.out(help);
      return name ? 0 : 2;
    }
    io.err(`secret-flows: unknown command "${name}"\n\n${help}`);
    return 2;
  }
  return command.run(rest, io);
}
