// Measures what gateway-dev costs on the hot path: autocannon against (1) a bare node:http
// upstream, (2) a bare node:http keep-alive proxy in front of it (the "ideal" hop of docs/benchmarks.md),
// (3) gateway-dev serving deploy/apisix/apisix.yaml (key-auth, request-id, opentelemetry ids,
// limit-count, proxy-rewrite) in front of it. Each server is its own process.
// Run after `npm run build`: node apps/gateway-dev/bench/proxy-overhead.mjs [--json] [--seconds N]
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fs from 'node:fs';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 5;
const connections = 32;
const apiKey = 'bench-key-0123456789abcdef';

const UPSTREAM = `
const http = require('node:http');
const body = JSON.stringify({ name: 'db', value: 'x'.repeat(64), version: 1 });
http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); }); })
  .listen(0, '127.0.0.1', function () { process.stdout.write(JSON.stringify({ port: this.address().port }) + '\\n'); });`;

const BARE_PROXY = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 320 });
const target = Number(process.env.TARGET_PORT);
http.createServer((req, res) => {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent }, (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  up.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(up);
}).listen(0, '127.0.0.1', function () { process.stdout.write(JSON.stringify({ port: this.address().port }) + '\\n'); });`;

function startScript(source, env = {}) {
  return startProcess(['-e', source], env, (line) => JSON.parse(line).port);
}

function startGatewayProcess(agentPort) {
  const env = {
    GATEWAY_DEMO_API_KEY: apiKey,
    AGENT_UPSTREAM: `127.0.0.1:${agentPort}`,
    PORT: '0',
    LOG_LEVEL: 'info',
    GATEWAY_RATE_LIMIT_COUNT: '100000000',
  };
  return startProcess(
    [path.join(root, 'apps/gateway-dev/dist/main.js')],
    env,
    (line) => {
      const record = JSON.parse(line);
      return record.address ? Number(new URL(record.address).port) : undefined;
    },
  );
}

function startProcess(argv, env, portOf) {
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        const port = portOf(line);
        if (port) resolve({ port, child });
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) =>
      reject(new Error(`process exited with ${code}`)),
    );
  });
}

// CPU time (user + system) a process has used, in ms: on a shared, loaded machine CPU per
// request is a steadier measure of a hop's cost than throughput.
function cpuMs(pid) {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measure(name, child, port, headers = {}) {
  const cpuBefore = cpuMs(child.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/cloud-agent/secrets/db`,
    connections,
    duration: seconds,
    headers,
  });
  if (result.non2xx > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx responses`);
  const cpuUsPerRequest = Math.round(
    ((cpuMs(child.pid) - cpuBefore) * 1000) / result.requests.total,
  );
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuUsPerRequest,
  };
}

const children = [];
try {
  const upstream = await startScript(UPSTREAM);
  children.push(upstream.child);
  const bare = await startScript(BARE_PROXY, {
    TARGET_PORT: String(upstream.port),
  });
  children.push(bare.child);
  const gateway = await startGatewayProcess(upstream.port);
  children.push(gateway.child);
  const results = [
    await measure('upstream', upstream.child, upstream.port),
    await measure('bare-proxy', bare.child, bare.port),
    await measure('gateway-dev', gateway.child, gateway.port, {
      apikey: apiKey,
    }),
  ];
  const ratio = results[2].requestsPerSecond / results[1].requestsPerSecond;
  const cpuRatio = results[2].cpuUsPerRequest / results[1].cpuUsPerRequest;
  if (args.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ connections, seconds, results, gatewayToBareProxy: ratio, gatewayCpuToBareProxyCpu: cpuRatio })}\n`,
    );
  } else {
    for (const r of results) {
      console.log(
        `${r.name.padEnd(12)} ${String(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  cpu ${r.cpuUsPerRequest} us/req`,
      );
    }
    console.log(
      `gateway-dev / bare proxy: throughput ${ratio.toFixed(2)}, cpu per request ${cpuRatio.toFixed(2)}`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
}
