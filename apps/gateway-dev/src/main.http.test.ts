import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

// main.ts as a real process, run from source (workspace libs through their source condition),
// so this needs no prior build.
const MAIN = path.resolve(__dirname, 'main.ts');

function startMain(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ['--conditions=@secret-flows/source', '-r', '@swc-node/register', MAIN],
    {
      cwd: path.resolve(__dirname, '..'),
      env: {
        PATH: process.env['PATH'] ?? '',
        GATEWAY_RELOAD_INTERVAL_MS: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

describe('the gateway-dev process', () => {
  jest.setTimeout(30_000);

  it('refuses to start without the demo API key, naming the variable and nothing else', async () => {
    const child = startMain({
      PORT: '0',
      AGENT_UPSTREAM: '127.0.0.1:1',
      SOME_TOKEN: 'hvs.secret-value',
    });
    const stderr = collect(child.stderr);
    expect(await exitOf(child)).toBe(1);
    expect(stderr()).toContain(
      "gateway-dev: refusing to start: failed to handle configuration: can't find environment variable GATEWAY_DEMO_API_KEY",
    );
    expect(stderr()).not.toContain('hvs.secret-value');
  });

  it('listens, answers like APISIX and exits 0 after draining on SIGTERM', async () => {
    const child = startMain({
      PORT: '0',
      GATEWAY_DEMO_API_KEY: 'process-test-key-abc',
    });
    const stdout = collect(child.stdout);
    const exited = exitOf(child);
    try {
      let address: string | undefined;
      for (let attempt = 0; attempt < 200 && !address; attempt += 1) {
        address = /"address":"(http:\/\/[^"]+)"/.exec(stdout())?.[1];
        if (!address) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(address).toBeDefined();
      const response = await fetch(`${address}/`);
      expect([response.status, await response.text()]).toEqual([
        404,
        '{"error_msg":"404 Route Not Found"}\n',
      ]);
      expect(stdout()).not.toContain('process-test-key-abc');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
