import * as http from 'node:http';
import * as path from 'node:path';
import { startGateway, type RunningGateway } from './gateway';
import { startEchoUpstream } from '../test/echo-upstream';

// Attack 3 of the hostile-tenant review, against the real deploy/apisix/apisix.yaml with its
// default quota (600 per window): every tenant sends the same API key, so a limit keyed on the
// consumer alone lets one tenant's burst push all the others into 429. ADR 0008: the agent
// route counts per consumer and bearer token. Bounded: 600 requests on loopback, 50 at a time.
const PRODUCTION_CONFIG = path.resolve(
  __dirname,
  '../../../deploy/apisix/apisix.yaml',
);
const API_KEY = 'demo-key-for-fairness-0123456789';
const BURST = 600;
const PARALLEL = 50;

describe('per-tenant fairness at the gateway (attack 3)', () => {
  let agent: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: RunningGateway;
  const pool = new http.Agent({ keepAlive: true, maxSockets: PARALLEL });

  beforeAll(async () => {
    agent = await startEchoUpstream('agent');
    gateway = await startGateway({
      configPath: PRODUCTION_CONFIG,
      env: {
        AGENT_UPSTREAM: `127.0.0.1:${agent.port}`,
        GATEWAY_DEMO_API_KEY: API_KEY,
      },
      port: 0,
    });
  });

  afterAll(async () => {
    pool.destroy();
    await gateway?.stop();
    await agent?.close();
  });

  const get = (jwt: string, target = '/cloud-agent/_system/health') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders }>(
      (resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: gateway.port,
          path: target,
          agent: pool,
          headers: { apikey: API_KEY, authorization: `Bearer ${jwt}` },
        });
        req.on('error', reject);
        req.on('response', (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers }),
          );
        });
        req.end();
      },
    );

  it(`a burst of ${BURST} cheap requests from one tenant leaves another tenant's quota intact`, async () => {
    const statuses: number[] = [];
    for (let sent = 0; sent < BURST; sent += PARALLEL) {
      const batch = await Promise.all(
        Array.from({ length: PARALLEL }, () => get('tenant-a.jwt')),
      );
      statuses.push(...batch.map((response) => response.status));
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(BURST);

    const attackerAgain = await get('tenant-a.jwt');
    expect(attackerAgain.status).toBe(429);
    expect(attackerAgain.headers['x-ratelimit-remaining']).toBe('0');

    const other = await get('tenant-b.jwt', '/cloud-agent/secrets');
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-limit']).toBe(String(BURST));
    expect(other.headers['x-ratelimit-remaining']).toBe(String(BURST - 1));
    // No timing claim (that is the benchmark's job): a loaded two-core machine needs time for 600.
  }, 60_000);
});
