import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  startPlatform,
  type Platform,
  type PlatformOptions,
} from '@secret-flows/cli';

/** Starts the platform on free ports with its own run directory; `stop()` also removes it. */
export async function startTestPlatform(
  phase: PlatformOptions['phase'],
  extra: Partial<PlatformOptions> = {},
): Promise<Platform> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `sf-e2e-p${phase}-`));
  const platform = await startPlatform({
    phase,
    ephemeralPorts: true,
    runDir,
    readyTimeoutMs: 30_000,
    ...extra,
  });
  const stop = platform.stop;
  platform.stop = async () => {
    await stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  return platform;
}

/** The environment a running service process was started with (Linux /proc). */
export function processEnv(pid: number | undefined): Record<string, string> {
  if (!pid) throw new Error('no pid');
  const raw = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((kv) => [
        kv.slice(0, kv.indexOf('=')),
        kv.slice(kv.indexOf('=') + 1),
      ]),
  );
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** One request with fetch; the body is parsed when it is JSON. */
export async function http(
  url: string,
  init: RequestInit = {},
): Promise<HttpResult> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
