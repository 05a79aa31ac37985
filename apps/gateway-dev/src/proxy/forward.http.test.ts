import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type RunningGateway } from '../gateway';
import { writeTempConfig } from '../../test/echo-upstream';

// An upstream that drops a keep-alive connection when a second request arrives on it, the
// race nginx hides by retrying on a fresh connection.
async function startDroppingUpstream() {
  const requestsPerSocket = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
    requestsPerSocket.set(req.socket, count);
    if (count > 1) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('proxying over keep-alive connections', () => {
  let upstream: Awaited<ReturnType<typeof startDroppingUpstream>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await startDroppingUpstream();
    const config = `routes:\n  - id: r\n    uri: /*\n    upstream:\n      nodes: [{host: 127.0.0.1, port: ${upstream.port}, weight: 1}]\n#END\n`;
    gateway = await startGateway({
      configPath: writeTempConfig(config),
      env: {},
      port: 0,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('replays a body-less GET on a fresh connection when a reused one is dropped', async () => {
    expect((await fetch(`${gateway.address}/a`)).status).toBe(200);
    const second = await fetch(`${gateway.address}/b`);
    expect([second.status, await second.text()]).toEqual([200, 'ok']);
  });

  it('does not replay a request with a body: the client gets 502', async () => {
    expect((await fetch(`${gateway.address}/c`)).status).toBe(200);
    const response = await fetch(`${gateway.address}/d`, {
      method: 'POST',
      body: 'payload',
    });
    expect(response.status).toBe(502);
  });
});
