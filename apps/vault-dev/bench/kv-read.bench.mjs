// Benchmark (not a test): KV v2 reads with a valid non-root token through the whole
// pipeline (LIST-rewriting socket layer, token check, ACL, envelope). The server runs
// as its own process (`node apps/vault-dev/dist/main.js`), autocannon in this one, so
// the load generator does not share the server's event loop.
// Run after `npm run build`:  node apps/vault-dev/bench/kv-read.bench.mjs [seconds] [connections]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const durationSeconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 32);
const GOAL_PER_SECOND = 5000;
const rootToken = `hvs.bench${randomBytes(12).toString('hex')}`;

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const child = spawn(process.execPath, [main], {
  env: {
    ...process.env,
    VAULT_DEV_LISTEN_ADDRESS: '127.0.0.1:0',
    VAULT_DEV_ROOT_TOKEN_ID: rootToken,
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const address = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /Api Address: (\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) =>
    reject(new Error(`vault-dev exited with ${code}`)),
  );
});

try {
  const headers = {
    'X-Vault-Token': rootToken,
    'Content-Type': 'application/json',
  };
  const call = (method, path, body) =>
    fetch(`${address}${path}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
  await call('PUT', '/v1/sys/policies/acl/bench', {
    policy: 'path "secret/data/bench/*" { capabilities = ["read"] }',
  });
  await call('POST', '/v1/secret/data/bench/item', {
    data: { seed: 'x'.repeat(64), n: 1 },
  });
  const token = (
    await (
      await call('POST', '/v1/auth/token/create', {
        policies: ['bench'],
        ttl: '1h',
      })
    ).json()
  ).auth.client_token;

  const result = await autocannon({
    url: `${address}/v1/secret/data/bench/item`,
    connections,
    duration: durationSeconds,
    headers: { 'X-Vault-Token': token },
  });
  const perSecond = Math.round(result.requests.average);
  const failures = result.non2xx + result.errors;
  console.log(
    `KV v2 read, ${connections} connections, ${durationSeconds}s: ${perSecond} req/s average, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx/errors ${failures}`,
  );
  const ok = perSecond >= GOAL_PER_SECOND && failures === 0;
  console.log(
    ok
      ? `OK: >= ${GOAL_PER_SECOND} req/s`
      : `BELOW GOAL of ${GOAL_PER_SECOND} req/s`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  child.kill('SIGTERM');
}
