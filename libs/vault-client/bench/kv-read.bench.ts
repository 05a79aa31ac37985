/**
 * KV v2 read throughput: vault-client vs a bare keep-alive axios call, same vault-dev, same
 * concurrency, alternating rounds. Not a test (timing goals belong in benchmarks).
 *   node -r @swc-node/register --conditions=@secret-flows/source libs/vault-client/bench/kv-read.bench.ts
 * Env: BENCH_SECONDS (per round, default 4), BENCH_CONCURRENCY (default 32), BENCH_ROUNDS (default 3).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as path from 'node:path';
import axios from 'axios';
import { createVaultClient, tokenAuth } from '../src/index';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 4);
const concurrency = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const cpuPerRequest = new Map<string, number[]>();

// Client CPU per request is reported too: on a shared, loaded machine it is steadier than req/s.
async function drive(
  name: string,
  call: () => Promise<unknown>,
): Promise<number> {
  const end = Date.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  let done = 0;
  const worker = async () => {
    while (Date.now() < end) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const rps = done / seconds;
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / Math.max(1, done);
  cpuPerRequest.set(name, [...(cpuPerRequest.get(name) ?? []), cpuUs]);
  console.log(
    `${name.padEnd(14)} ${rps.toFixed(0).padStart(7)} req/s  ${cpuUs.toFixed(0).padStart(5)} µs client CPU/req`,
  );
  return rps;
}

async function main() {
  const rootToken = `root-${randomUUID()}`;
  const child = fork(path.join(__dirname, 'vault-dev-child.ts'), [], {
    env: { ...process.env, BENCH_ROOT_TOKEN: rootToken },
    execArgv: process.execArgv,
  });
  const address = await new Promise<string>((resolve) =>
    child.once('message', (m: { address: string }) => resolve(m.address)),
  );
  const client = createVaultClient({ address, auth: tokenAuth(rootToken) });
  const kv = client.kvV2('secret');
  await kv.write('bench/key', { value: 'x'.repeat(64) });
  const bare = axios.create({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    headers: { 'X-Vault-Token': rootToken },
  });
  const url = `${address}/v1/secret/data/bench/key`;
  const bareRead = async () => {
    const res = await bare.get(url);
    if (!res.data.data.data.value) throw new Error('bad read');
  };
  const clientRead = async () => {
    if (!(await kv.read('bench/key'))?.data['value'])
      throw new Error('bad read');
  };
  await drive('warm-up', clientRead);
  await drive('warm-up', bareRead);
  const results = { bare: [] as number[], client: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    results.bare.push(await drive('bare axios', bareRead));
    results.client.push(await drive('vault-client', clientRead));
  }
  const median = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(results.client) / median(results.bare);
  console.log(
    `median: bare ${median(results.bare).toFixed(0)} req/s, vault-client ${median(results.client).toFixed(0)} req/s, ratio ${(ratio * 100).toFixed(1)} % (target >= 90 %)`,
  );
  const cpuBare = median(cpuPerRequest.get('bare axios') ?? [0]);
  const cpuClient = median(cpuPerRequest.get('vault-client') ?? [0]);
  console.log(
    `median client CPU per request: bare ${cpuBare.toFixed(0)} µs, vault-client ${cpuClient.toFixed(0)} µs (+${(((cpuClient - cpuBare) / cpuBare) * 100).toFixed(1)} %)`,
  );
  console.log(`logins: ${client.status().logins ?? 0}`);
  await client.stop();
  child.disconnect();
}

void main();
