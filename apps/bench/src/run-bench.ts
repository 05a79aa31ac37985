import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from '@secret-flows/cli';
import { createVaultClient, tokenAuth } from '@secret-flows/vault-client';
import type { BenchArgs } from './args';
import {
  startBareChain,
  startBareServer,
  type BareProcess,
} from './bare-chain';
import { runLoad, runLoop, warmUp, type LoadOptions } from './load';
import {
  credentialCounts,
  json,
  platformMemory,
  startBenchPlatform,
  tenantJwt,
  vaultLoginCounts,
} from './platform-phase';
import { readProcessCpuMs, readProcessMemory } from './process-stats';
import type { ScenarioId, ScenarioResult } from './results';

const SECRET_NAME = 'bench';
// The phase 1-2 tenant's KV path (docs/architecture.md, "Data in Vault"): what the agent reads for GET /secrets/bench.
const KV_PATH = `tenants/default/secrets/${SECRET_NAME}`;
const HOPS = 3;

type Say = (line: string) => void;

interface Ctx {
  args: BenchArgs;
  say: Say;
  results: ScenarioResult[];
}

/** Runs every scenario (docs/benchmarks.md), one platform at a time, and returns their results in order. */
export async function runBench(
  args: BenchArgs,
  say: Say,
): Promise<ScenarioResult[]> {
  const ctx: Ctx = { args, say, results: [] };
  const runs = (group: string) =>
    args.only === undefined || args.only.includes(group);
  if (runs('phase2')) await phase2Scenarios(ctx);
  if (runs('c'))
    await chainScenario(
      ctx,
      3,
      'c',
      'GET /secrets/{name}: gateway -> agent -> wallet -> vault-dev, phase 3',
    );
  if (runs('d'))
    await chainScenario(
      ctx,
      4,
      'd',
      'GET /secrets/{name}: gateway -> agent -> wallet -> vault-dev, phase 4 (tenant Vault token)',
    );
  if (runs('sign')) await signScenarios(ctx);
  const order: ScenarioId[] = [
    'a',
    'a-client',
    'bare',
    'e',
    'b',
    'c',
    'd',
    'sign-transit',
    'sign-wallet',
  ];
  return order.flatMap((id) => ctx.results.filter((r) => r.id === id));
}

type Pids = Record<string, number | undefined>;

/** CPU ms per request of each process, from its CPU time before and after the measured run. */
function cpuPerRequest(
  pids: Pids,
  before: Record<string, number | undefined>,
  requests: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const start = before[name];
    const end = readProcessCpuMs(pid);
    if (start !== undefined && end !== undefined && requests > 0)
      out[name] = Math.round(((end - start) / requests) * 1000) / 1000;
  }
  return out;
}

/** Warm-up, then the measured run with the CPU time of every process on the path. */
async function measure(
  ctx: Ctx,
  load: Omit<LoadOptions, 'durationSeconds' | 'connections'>,
  pids: Pids,
) {
  const options = { ...load, connections: ctx.args.connections };
  await warmUp(options, ctx.args.warmupSeconds);
  const before = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, readProcessCpuMs(pid)]),
  );
  const measurement = await runLoad({
    ...options,
    durationSeconds: ctx.args.durationSeconds,
  });
  return {
    measurement,
    cpuMsPerRequest: cpuPerRequest(pids, before, measurement.requests),
  };
}

function pidsOf(
  platform: Platform,
  names: Array<keyof Platform['processes']>,
): Pids {
  return Object.fromEntries(names.map((n) => [n, platform.processes[n]?.pid]));
}

function bareMemory(prefix: string, procs: BareProcess[]) {
  return Object.fromEntries(
    procs.map((p, i) => [`${prefix}${i + 1}`, readProcessMemory(p.pid)]),
  );
}

/** (a), the vault-client loop, the bare floor, (e) and (b): all against the phase 2 platform's vault-dev. */
async function phase2Scenarios(ctx: Ctx): Promise<void> {
  ctx.say('phase 2: starting vault-dev, bootstrap and the agent');
  const platform = await startBenchPlatform(2);
  try {
    const value = `bench-${os.hostname()}-${Date.now()}`;
    await json(`${platform.urls.agent}/secrets/${SECRET_NAME}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    const token = await readOnlyToken(platform);
    const kvUrl = `${platform.urls.vault}/v1/secret/data/${KV_PATH}`;
    const vaultHeaders = { 'x-vault-token': token };

    ctx.say('(a) vault-dev KV read, direct');
    // The bench process (autocannon) is counted too: the client-side cost to compare vault-client with.
    const a = await measure(
      ctx,
      { url: kvUrl, headers: vaultHeaders },
      { bench: process.pid, ...pidsOf(platform, ['vault']) },
    );
    ctx.results.push({
      id: 'a',
      label: 'vault-dev KV v2 read, direct (autocannon)',
      ...a,
      memory: { vault: readProcessMemory(platform.processes.vault?.pid) },
      counts: {},
    });

    ctx.say('(a) vault-client loop in this process');
    ctx.results.push(await clientLoop(ctx, platform, token));

    ctx.say('bare node:http answering the same bytes');
    ctx.results.push(await bareFloor(ctx, kvUrl, vaultHeaders));

    ctx.say(
      `(e) ideal chain: ${HOPS} bare keep-alive proxies in front of the same read`,
    );
    const chain = await startBareChain(
      Number(new URL(platform.urls.vault).port),
      HOPS,
    );
    try {
      const pids = {
        ...Object.fromEntries(chain.map((p, i) => [`proxy${i + 1}`, p.pid])),
        ...pidsOf(platform, ['vault']),
      };
      const e = await measure(
        ctx,
        {
          url: `http://127.0.0.1:${chain[0].port}/v1/secret/data/${KV_PATH}`,
          headers: vaultHeaders,
        },
        pids,
      );
      ctx.results.push({
        id: 'e',
        label: `ideal chain: ${HOPS} bare node:http proxies -> vault-dev KV read`,
        ...e,
        memory: {
          ...bareMemory('proxy', chain),
          vault: readProcessMemory(platform.processes.vault?.pid),
        },
        counts: {},
      });
    } finally {
      await Promise.all(chain.map((p) => p.stop()));
    }

    ctx.say('(b) agent, phase 2 (AppRole, in-process wallet-core)');
    const b = await measure(
      ctx,
      { url: `${platform.urls.agent}/secrets/${SECRET_NAME}` },
      pidsOf(platform, ['agent', 'vault']),
    );
    const counts = {
      ...(await credentialCounts(platform)),
      vault: await vaultLoginCounts(platform),
    };
    ctx.results.push({
      id: 'b',
      label: 'GET /secrets/{name}: agent -> vault-dev, phase 2',
      ...b,
      memory: platformMemory(platform),
      counts,
    });
  } finally {
    await platform.stop();
  }
}

/** A token that may only read the benchmark secret, as a real client would hold (not root). */
async function readOnlyToken(platform: Platform): Promise<string> {
  const headers = {
    'x-vault-token': platform.vaultRootToken,
    'content-type': 'application/json',
  };
  const policy = `path "secret/data/${KV_PATH}" { capabilities = ["read"] }`;
  await json(`${platform.urls.vault}/v1/sys/policies/acl/bench-read`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ policy }),
  });
  const created = await json(`${platform.urls.vault}/v1/auth/token/create`, {
    method: 'POST',
    headers,
    // The default policy lets vault-client look its own token up (lookup-self) as any client does.
    body: JSON.stringify({ policies: ['bench-read'], ttl: '1h' }),
  });
  return (created as { auth: { client_token: string } }).auth.client_token;
}

async function clientLoop(
  ctx: Ctx,
  platform: Platform,
  token: string,
): Promise<ScenarioResult> {
  const client = createVaultClient({
    address: platform.urls.vault,
    auth: tokenAuth(token),
  });
  try {
    const kv = client.kvV2('secret');
    const read = () => kv.read(KV_PATH);
    await runLoop(
      read,
      ctx.args.connections,
      Math.min(ctx.args.warmupSeconds, 2),
    );
    const pids: Pids = {
      bench: process.pid,
      vault: platform.processes.vault?.pid,
    };
    const before = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, readProcessCpuMs(pid)]),
    );
    const measurement = await runLoop(
      read,
      ctx.args.connections,
      ctx.args.durationSeconds,
    );
    const cpuMsPerRequest = cpuPerRequest(pids, before, measurement.requests);
    return {
      id: 'a-client',
      label: `vault-dev KV v2 read through vault-client (${ctx.args.connections} loops in the bench process)`,
      measurement,
      cpuMsPerRequest,
      memory: { vault: readProcessMemory(platform.processes.vault?.pid) },
      counts: {},
    };
  } finally {
    await client.stop();
  }
}

/** vault-dev's read is judged against a bare node:http process answering the same bytes. */
async function bareFloor(
  ctx: Ctx,
  kvUrl: string,
  headers: Record<string, string>,
): Promise<ScenarioResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-bench-bare-'));
  const file = path.join(dir, 'kv-read.json');
  fs.writeFileSync(
    file,
    Buffer.from(await (await fetch(kvUrl, { headers })).arrayBuffer()),
  );
  const bare = await startBareServer('static', file);
  try {
    const measured = await measure(
      ctx,
      { url: `http://127.0.0.1:${bare.port}/v1/secret/data/${KV_PATH}` },
      { bare: bare.pid },
    );
    return {
      id: 'bare',
      label: 'bare node:http answering the same bytes as the KV read',
      ...measured,
      memory: { bare: readProcessMemory(bare.pid) },
      counts: {},
    };
  } finally {
    await bare.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** (c) or (d): the whole chain through the gateway with the first tenant's JWT. */
async function chainScenario(
  ctx: Ctx,
  phase: 3 | 4,
  id: 'c' | 'd',
  label: string,
): Promise<void> {
  ctx.say(`phase ${phase}: starting the platform`);
  let platform: Platform;
  try {
    platform = await startBenchPlatform(phase);
  } catch (err) {
    ctx.say(`phase ${phase} did not start: ${(err as Error).message}`);
    ctx.results.push({
      id,
      label,
      skipped: `the phase ${phase} platform did not start: ${(err as Error).message}`,
      cpuMsPerRequest: {},
      memory: {},
      counts: {},
    });
    return;
  }
  try {
    const jwt = await tenantJwt(platform);
    const headers = { apikey: platform.apiKey, authorization: `Bearer ${jwt}` };
    const url = `${platform.urls.gateway}/cloud-agent/secrets/${SECRET_NAME}`;
    await json(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ value: `bench-${Date.now()}` }),
    });
    ctx.say(`(${id}) ${label}`);
    const measured = await measure(
      ctx,
      { url, headers },
      pidsOf(platform, ['gateway', 'agent', 'wallet', 'vault']),
    );
    const counts = {
      ...(await credentialCounts(platform)),
      vault: await vaultLoginCounts(platform),
    };
    ctx.results.push({
      id,
      label,
      ...measured,
      memory: platformMemory(platform),
      counts,
    });
  } finally {
    await platform.stop();
  }
}

/**
 * POST /keys/{id}/sign through the whole phase 4 chain for both key custody modes
 * (docs/adr/0015-key-custody-modes.md): an Ed25519 key held by Vault Transit (the wallet calls
 * transit/sign) and one held by the wallet (KV read, then signing in the wallet).
 */
async function signScenarios(ctx: Ctx): Promise<void> {
  const label = (custody: string) =>
    `POST /keys/{id}/sign (Ed25519, ${custody} custody): gateway -> agent -> wallet -> vault-dev, phase 4`;
  ctx.say('phase 4 with Transit custody: starting the platform');
  let platform: Platform;
  try {
    platform = await startBenchPlatform(4, { VAULT_TRANSIT_MOUNT: 'transit' });
  } catch (err) {
    const skipped = `the phase 4 platform did not start: ${(err as Error).message}`;
    for (const [id, custody] of [
      ['sign-transit', 'vault-transit'],
      ['sign-wallet', 'wallet'],
    ] as const) {
      ctx.results.push({
        id,
        label: label(custody),
        skipped,
        cpuMsPerRequest: {},
        memory: {},
        counts: {},
      });
    }
    return;
  }
  try {
    const jwt = await tenantJwt(platform);
    const headers = {
      apikey: platform.apiKey,
      authorization: `Bearer ${jwt}`,
      'content-type': 'application/json',
    };
    // A JWS signing input of typical size (header.payload of a small credential).
    const body = JSON.stringify({
      payload: Buffer.alloc(300, 'a').toString('base64url'),
    });
    for (const [id, custody] of [
      ['sign-transit', 'vault-transit'],
      ['sign-wallet', 'wallet'],
    ] as const) {
      const key = (await json(`${platform.urls.gateway}/cloud-agent/keys`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'Ed25519', custody }),
      })) as { id: string };
      ctx.say(`(${id}) ${label(custody)}`);
      const url = `${platform.urls.gateway}/cloud-agent/keys/${key.id}/sign`;
      const measured = await measure(
        ctx,
        { url, headers, method: 'POST', body },
        pidsOf(platform, ['gateway', 'agent', 'wallet', 'vault']),
      );
      ctx.results.push({
        id,
        label: label(custody),
        ...measured,
        memory: platformMemory(platform),
        counts: {},
      });
    }
  } finally {
    await platform.stop();
  }
}
