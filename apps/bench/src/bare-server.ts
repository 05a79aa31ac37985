/**
 * The ideal hop (docs/benchmarks.md, scenario (e)): a bare node:http process, nothing but the platform's floor.
 *   node bare-server.js proxy <upstream-port>   keep-alive reverse proxy to 127.0.0.1:<port>
 *   node bare-server.js static <file>           answers every request with the file's JSON
 * Prints `listening <port>` once it accepts connections. Loopback only.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

function proxy(upstreamPort: number): http.RequestListener {
  // noDelay like Node's server side, so no hop's small writes wait on Nagle: the floor, not a handicap.
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: Infinity,
    noDelay: true,
  } as http.AgentOptions);
  return (req, res) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
}

function staticJson(body: Buffer): http.RequestListener {
  return (req, res) => {
    req.resume();
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
    });
    res.end(body);
  };
}

function main(): void {
  const [mode, arg] = process.argv.slice(2);
  const listener =
    mode === 'proxy'
      ? proxy(Number(arg))
      : mode === 'static'
        ? staticJson(fs.readFileSync(arg))
        : undefined;
  if (!listener || !arg) {
    process.stderr.write(
      'usage: bare-server (proxy <upstream-port> | static <file>)\n',
    );
    process.exit(2);
  }
  const server = http.createServer({ keepAliveTimeout: 60_000 }, listener);
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(
      `listening ${(server.address() as AddressInfo).port}\n`,
    ),
  );
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main();
