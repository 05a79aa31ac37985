import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

export interface Proc {
  readonly pid: number | undefined;
  readonly logFile: string;
  exited: Promise<number | null>;
  hasExited(): boolean;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts one process in its own process group (so a shell and what it runs stop together), with
 * exactly `env` and its output in `logFile`.
 */
export function startProcess(
  file: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; logFile: string },
): Proc {
  const log = fs.openSync(opts.logFile, 'a', 0o600);
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  fs.closeSync(log);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve(code ?? (signal ? 128 : null));
    });
    child.once('error', (err) => {
      fs.appendFileSync(opts.logFile, `spawn failed: ${err.message}\n`);
      done = true;
      resolve(127);
    });
  });
  const signal = (sig: NodeJS.Signals) => {
    if (done || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid,
    logFile: opts.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 5000) {
      if (done) return;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 25): string {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

/** One HTTP(S) GET as the kubelet's httpGet probe does it: success is 200 <= status < 400. */
export function probeOnce(
  url: string,
  opts: { anyStatus?: boolean } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const client = url.startsWith('https:') ? https : http;
    // The kubelet does not verify a probe's certificate (pkg/probe/http: InsecureSkipVerify).
    const req = client.get(
      url,
      {
        timeout: 2000,
        agent: false,
        ...(url.startsWith('https:') ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        res.resume();
        const s = res.statusCode ?? 0;
        resolve(opts.anyStatus === true || (s >= 200 && s < 400));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export const delay = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
