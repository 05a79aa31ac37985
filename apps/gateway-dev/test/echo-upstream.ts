import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** What the echo upstream saw: one entry per request it received. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP server on 127.0.0.1:0 that answers every request with what it received, as JSON. */
export async function startEchoUpstream(name: string) {
  const received: EchoedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const echoed = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(echoed);
      const body = JSON.stringify({ upstream: name, ...echoed });
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-upstream': name,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Writes a standalone file into a fresh temporary directory and returns its path. */
export function writeTempConfig(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-dev-'));
  const file = path.join(dir, 'apisix.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** The parsed echo of a proxied response. */
export async function echoOf(
  response: Response,
): Promise<EchoedRequest & { upstream: string }> {
  return (await response.json()) as EchoedRequest & { upstream: string };
}

/** A request whose target is sent exactly as given (fetch would normalise it). */
export function rawRequest(
  port: number,
  target: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders } = {},
): Promise<{
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: target,
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.end();
  });
}

/** A server that accepts requests and never answers (for timeouts); close() ends it. */
export async function startSilentUpstream() {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
