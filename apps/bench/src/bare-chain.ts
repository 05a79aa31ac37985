import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface BareProcess {
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

const SCRIPT = path.join(__dirname, 'bare-server.js');

/** Starts one bare-server process (its own node, like each platform service) and waits for its port. */
export function startBareServer(
  mode: 'proxy' | 'static',
  arg: string,
): Promise<BareProcess> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT, mode, arg], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => resolve()),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`bare ${mode} did not start within 10 s`)),
      10_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`bare ${mode} exited with ${code}`)),
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        pid: child.pid,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/** `hops` bare proxies in a row in front of 127.0.0.1:<upstreamPort>; the first one is the entry. */
export async function startBareChain(
  upstreamPort: number,
  hops: number,
): Promise<BareProcess[]> {
  const chain: BareProcess[] = [];
  try {
    let next = upstreamPort;
    for (let i = 0; i < hops; i++) {
      const hop = await startBareServer('proxy', String(next));
      chain.unshift(hop);
      next = hop.port;
    }
    return chain;
  } catch (err) {
    await Promise.all(chain.map((p) => p.stop()));
    throw err;
  }
}
