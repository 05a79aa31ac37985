import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { startGateway, type RunningGateway } from '../gateway';
import {
  startEchoUpstream,
  startSilentUpstream,
  writeTempConfig,
} from '../../test/echo-upstream';

// What gateway-dev holds for requests in flight is bounded, with nginx's client limits taken
// from config.yaml (apisix/cli/ngx_tpl.lua: client_max_body_size, client_header_timeout,
// client_body_timeout) and its own caps on concurrent requests and buffered body bytes.
// Everything here is loopback, bounded in count, and short (deadlines of a few hundred ms).
const STANDALONE = `
upstreams:
  - id: echo
    nodes: [{host: 127.0.0.1, port: \${{ECHO_PORT}}, weight: 1}]
  - id: silent
    nodes: [{host: 127.0.0.1, port: \${{SILENT_PORT}}, weight: 1}]
    timeout: {connect: 1, send: 5, read: 5}
routes:
  - id: echo
    uri: /echo
    upstream_id: echo
  - id: silent
    uri: /silent
    upstream_id: silent
#END
`;

const NODE_CONFIG = `
deployment:
  role: data_plane
  role_data_plane:
    config_provider: yaml
nginx_config:
  http:
    client_max_body_size: 1k
    client_header_timeout: 300ms
    client_body_timeout: 300ms
`;

type Reply = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
};

function send(
  port: number,
  target: string,
  body: string | undefined,
  headers: http.OutgoingHttpHeaders = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: target,
      method: body === undefined ? 'GET' : 'PUT',
      headers,
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
    req.end(body);
  });
}

/** A raw connection that sends `head` and then nothing; resolves with what came back once it closes. */
function stalled(
  port: number,
  head: string,
): Promise<{ data: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve({ data, closedAfterMs: Date.now() - started }),
    );
  });
}

describe('request bounds', () => {
  let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
  let silent: Awaited<ReturnType<typeof startSilentUpstream>>;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    echo = await startEchoUpstream('echo');
    silent = await startSilentUpstream();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await echo?.close();
    await silent?.close();
  });

  async function start(
    limits?: { maxConcurrentRequests?: number; maxBufferedBodyBytes?: number },
    nodeConfig = NODE_CONFIG,
  ) {
    const configPath = writeTempConfig(STANDALONE);
    fs.writeFileSync(
      path.join(path.dirname(configPath), 'config.yaml'),
      nodeConfig,
    );
    const gateway = await startGateway({
      configPath,
      env: { ECHO_PORT: String(echo.port), SILENT_PORT: String(silent.port) },
      port: 0,
      limits,
      shutdownTimeoutMs: 200,
    });
    gateways.push(gateway);
    return gateway;
  }

  it('answers 413 above client_max_body_size, by Content-Length or while reading a chunked body', async () => {
    const gateway = await start();
    const before = echo.received.length;
    const declared = await send(gateway.port, '/echo', 'x'.repeat(2048));
    expect(declared.status).toBe(413);
    expect(declared.body).toContain(
      '<title>413 Request Entity Too Large</title>',
    );
    const chunked = await send(gateway.port, '/echo', 'y'.repeat(2048), {
      'transfer-encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    expect(echo.received.length).toBe(before);
    const fits = await send(gateway.port, '/echo', 'z'.repeat(1024));
    expect([fits.status, JSON.parse(fits.body).body]).toEqual([
      200,
      'z'.repeat(1024),
    ]);
  });

  it('buffers the body before proxying: the upstream sees nothing of an unfinished upload', async () => {
    const gateway = await start();
    const before = echo.received.length;
    const result = await stalled(
      gateway.port,
      'PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n' +
        'a'.repeat(60),
    );
    // client_body_timeout: nginx closes the connection without an answer (it logs 408).
    expect(result.data).toBe('');
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(result.closedAfterMs).toBeLessThan(5_000);
    expect(echo.received.length).toBe(before);
  });

  it('closes a connection whose header does not arrive within client_header_timeout', async () => {
    const gateway = await start();
    const result = await stalled(
      gateway.port,
      'GET /echo HTTP/1.1\r\nHost: x\r\n',
    );
    expect(result.data).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeLessThan(5_000);
  });

  it('sheds requests beyond maxConcurrentRequests with 503 and Retry-After', async () => {
    const gateway = await start({ maxConcurrentRequests: 2 });
    const held = [
      send(gateway.port, '/silent', undefined),
      send(gateway.port, '/silent', undefined),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const shed = await send(gateway.port, '/echo', undefined);
    expect([shed.status, shed.headers['retry-after']]).toEqual([503, '1']);
    await gateway.stop();
    await Promise.allSettled(held);
  });

  // Attack 1 through the gateway, scaled down: 40 uploads of 10 KiB with the last byte withheld
  // against an 80 KiB buffer budget. The budget holds, the rest get 503 + Retry-After, the
  // upstream never sees a body, and another client's request still succeeds.
  it('holds at most maxBufferedBodyBytes of unfinished bodies and keeps serving others', async () => {
    const noBodyLimit = NODE_CONFIG.replace(
      'client_max_body_size: 1k',
      'client_max_body_size: 1m',
    ).replace('client_body_timeout: 300ms', 'client_body_timeout: 2s');
    const gateway = await start(
      { maxBufferedBodyBytes: 80 * 1024 },
      noBodyLimit,
    );
    const before = echo.received.length;
    const size = 10 * 1024;
    const sockets: net.Socket[] = [];
    const answers: string[] = [];
    for (let index = 0; index < 40; index += 1) {
      const socket = net.connect(gateway.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('data', (chunk) =>
        answers.push(chunk.toString().split('\r\n')[0]),
      );
      socket.write(
        `PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n${'b'.repeat(size - 1)}`,
      );
      sockets.push(socket);
    }
    for (
      let waited = 0;
      answers.length < 40 - 8 && waited < 5_000;
      waited += 50
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(answers.length).toBe(40 - 8);
    expect(new Set(answers)).toEqual(
      new Set(['HTTP/1.1 503 Service Unavailable']),
    );
    const other = await send(gateway.port, '/echo', undefined);
    expect(other.status).toBe(200);
    expect(echo.received.length).toBe(before + 1);
    for (const socket of sockets) socket.destroy();
  });
});
