import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { createBoundedServer, createRequestBudget } from './request-budget';

// The budget on a real loopback server: raw sockets so a body can be withheld.
function refusal(reason: string): Error {
  return Object.assign(new Error(reason), {
    status: reason === 'overloaded' ? 503 : reason === 'tenant' ? 429 : 408,
  });
}

async function start(options: {
  maxConcurrentRequests: number;
  maxBodyBytesInFlight: number;
  bodyTimeoutMs: number;
}) {
  const app = express();
  const onError: ErrorRequestHandler = (
    err: Error & { status?: number },
    _req,
    res,
    next,
  ) => {
    if (res.headersSent) return next(err);
    if (err.status === 503) res.setHeader('Retry-After', '1');
    res.status(err.status ?? 500).json({ reason: err.message });
  };
  const budget = createRequestBudget({
    ...options,
    maxBodyBytes: 100,
    refuse: (reason) => refusal(reason),
    refuseTenant: () => refusal('tenant'),
    respond: (err, req, res) => onError(err, req, res, () => undefined),
    exempt: (req) => req.path === '/health',
    tenantShare: 0.5,
  });
  app.use(budget.middleware);
  app.get('/health', (_req, res) => void res.json({ ok: true }));
  app.use(budget.perTenant((req) => String(req.headers['x-tenant'])));
  app.use(express.json({ limit: 1024 }));
  app.put('/x', (_req, res) => void res.json({ ok: true }));
  app.use(onError);
  const server = createBoundedServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, budget, port: (server.address() as AddressInfo).port };
}

/** Sends a PUT whose body lacks its last byte; resolves with the status line once the server answers or closes. */
function heldPut(
  port: number,
  tenant: string,
  length = 100,
): { socket: net.Socket; done: Promise<number | undefined> } {
  const socket = net.connect({ host: '127.0.0.1', port });
  const done = new Promise<number | undefined>((resolve) => {
    let text = '';
    socket.on('connect', () => {
      socket.write(
        `PUT /x HTTP/1.1\r\nhost: x\r\nx-tenant: ${tenant}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`,
      );
      socket.write('{"v":"'.padEnd(length - 1, 'a'));
    });
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () =>
      resolve(
        /^HTTP\/1\.1 (\d{3})/.exec(text)
          ? Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
          : undefined,
      ),
    );
  });
  return { socket, done };
}

async function get(port: number, path: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
}

describe('request budget', () => {
  it('sheds requests over the body budget with 503, a tenant over its share with 429, and cuts a withheld body with 408', async () => {
    const { server, budget, port } = await start({
      maxConcurrentRequests: 10,
      maxBodyBytesInFlight: 400,
      bodyTimeoutMs: 300,
    });
    try {
      const a1 = heldPut(port, 'a');
      const a2 = heldPut(port, 'a');
      await new Promise((r) => setTimeout(r, 100));
      expect(budget.inFlight()).toEqual({ requests: 2, bodyBytes: 200 });
      // Tenant a holds half the body budget (its share): its next upload is its own fault.
      expect(await heldPut(port, 'a').done).toBe(429);
      const b1 = heldPut(port, 'b');
      const b2 = heldPut(port, 'b');
      await new Promise((r) => setTimeout(r, 50));
      // The process budget is full: anyone's body waits outside.
      expect(await heldPut(port, 'c').done).toBe(503);
      expect(await get(port, '/health')).toBe(200);
      expect(await Promise.all([a1.done, a2.done, b1.done, b2.done])).toEqual([
        408, 408, 408, 408,
      ]);
      expect(budget.inFlight()).toEqual({ requests: 0, bodyBytes: 0 });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
