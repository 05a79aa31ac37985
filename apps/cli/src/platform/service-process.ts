import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';

export interface ServiceProcessOptions {
  name: string;
  /** Absolute path of the compiled entry point (`apps/<app>/dist/main.js`). */
  script: string;
  args?: string[];
  /** Options for node itself (before the script), e.g. a heap limit. */
  nodeArgs?: string[];
  /** The complete environment of the child: nothing is inherited implicitly. */
  env: Record<string, string>;
  /** Where stdout and stderr go (one file per service). */
  logFile: string;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Polls `url` until it answers 2xx, the process exits, or the deadline passes. */
  waitReady(url: string, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
  /** Sends SIGKILL at once (fault injection in tests). */
  kill(): void;
  exited(): Promise<number | null>;
}

// Variables a child may inherit from the launcher's own environment: enough to run node,
// and nothing that could carry a credential into a service that must not have one.
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'NODE_OPTIONS',
  'TMPDIR',
  'LANG',
  'TZ',
  'SYSTEMROOT',
];

/** Starts one service as its own node process, logging to a file. */
export function startServiceProcess(
  options: ServiceProcessOptions,
): ServiceProcess {
  const log = fs.openSync(options.logFile, 'a', 0o600);
  const inherited = Object.fromEntries(
    INHERITED_ENV.filter((k) => process.env[k] !== undefined).map((k) => [
      k,
      process.env[k] as string,
    ]),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script, ...(options.args ?? [])],
    {
      env: { ...inherited, ...options.env },
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let hasExited = false;
  void exit.then(() => (hasExited = true));

  return {
    name: options.name,
    pid: child.pid,
    exited: () => exit,
    kill: () => void child.kill('SIGKILL'),
    async waitReady(url, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (hasExited) {
          throw new Error(
            `${options.name} exited before it was ready; see ${options.logFile}`,
          );
        }
        if (await answers2xx(url)) return;
        if (Date.now() > deadline) {
          throw new Error(
            `${options.name} was not ready at ${url} within ${timeoutMs} ms; see ${options.logFile}`,
          );
        }
        await delay(100);
      }
    },
    async stop(graceMs = 10_000) {
      if (hasExited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

function answers2xx(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000, agent: false }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
