import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway } from './gateway';
import { writeTempConfig } from '../test/echo-upstream';

// An upstream that answers only when the test releases it, to hold a request in flight.
async function startHeldUpstream() {
  const held: http.ServerResponse[] = [];
  let onHeld: () => void = () => undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    held.push(res);
    onHeld();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    waitForRequest: () =>
      new Promise<void>((resolve) =>
        held.length > 0 ? resolve() : (onHeld = resolve),
      ),
    release: () => held.splice(0).forEach((res) => res.end('done')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const configFor = (port: number) =>
  writeTempConfig(
    `routes:\n  - id: r\n    uri: /*\n    upstream:\n      nodes: [{host: 127.0.0.1, port: ${port}, weight: 1}]\n#END\n`,
  );

describe('stopping the gateway (SIGTERM drain)', () => {
  it('stops accepting but lets an in-flight request finish', async () => {
    const upstream = await startHeldUpstream();
    const gateway = await startGateway({
      configPath: configFor(upstream.port),
      env: {},
      port: 0,
    });
    try {
      const inFlight = fetch(`${gateway.address}/slow`);
      await upstream.waitForRequest();
      const stopped = gateway.stop();
      await expect(fetch(`${gateway.address}/new`)).rejects.toThrow();
      upstream.release();
      const response = await inFlight;
      expect([response.status, await response.text()]).toEqual([200, 'done']);
      await stopped;
    } finally {
      await upstream.close();
    }
  });

  it('cuts requests still running when the shutdown budget is spent', async () => {
    const upstream = await startHeldUpstream();
    const gateway = await startGateway({
      configPath: configFor(upstream.port),
      env: {},
      port: 0,
      shutdownTimeoutMs: 100,
    });
    try {
      const inFlight = fetch(`${gateway.address}/never`);
      await upstream.waitForRequest();
      await gateway.stop();
      await expect(inFlight).rejects.toThrow();
    } finally {
      await upstream.close();
    }
  });
});
