import * as fs from 'node:fs';

/** Where reload outcomes are reported. */
export interface WatchLogger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Polls a file's modification time and size like APISIX's standalone mode does, and calls
 * `reload` when they change. A reload that throws is logged and the caller keeps serving the
 * previous configuration (APISIX logs "failed to resolve variables" or "missing valid end flag"
 * and keeps its last good config).
 */
export function watchConfigFile(options: {
  path: string;
  intervalMs: number;
  logger: WatchLogger;
  reload: () => void;
}) {
  const signature = () => {
    try {
      const stat = fs.statSync(options.path);
      return `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'missing';
    }
  };
  let seen = signature();
  const timer = setInterval(() => {
    const current = signature();
    if (current === seen) return;
    seen = current;
    try {
      options.reload();
      options.logger.info({ config: options.path }, 'configuration reloaded');
    } catch (error) {
      options.logger.error(
        { config: options.path, reason: (error as Error).message },
        'configuration change refused; keeping the previous one',
      );
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
