import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Platform } from '@secret-flows/cli';
import { http as request, startTestPlatform } from './support/platform';

// OTLP/JSON as the JS OTLP/HTTP exporter sends it: ids are lowercase hex strings, kind an enum number.
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{
    key: string;
    value: { stringValue?: string; intValue?: string | number };
  }>;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: {
      attributes?: Array<{ key: string; value: { stringValue?: string } }>;
    };
    scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
  }>;
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
}

const SERVER = 2;
const CLIENT = 3;

/** A fake collector: accepts POST /v1/traces with OTLP/JSON and keeps every span and raw body. */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const contentTypes = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      contentTypes.add(String(req.headers['content-type']));
      bodies.push(text);
      for (const rs of (JSON.parse(text) as OtlpExport).resourceSpans ?? []) {
        const service =
          rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value
            .stringValue ?? '?';
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) spans.push({ ...s, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>;

/** Polls until `predicate` holds over the received spans (batch export is asynchronous). */
async function waitForSpans(
  receiver: Receiver,
  predicate: (spans: ReceivedSpan[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(receiver.spans)) {
    if (Date.now() > deadline) return receiver.spans;
    await new Promise((r) => setTimeout(r, 100));
  }
  return receiver.spans;
}

function attr(span: OtlpSpan, key: string): string | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return (
    v?.stringValue ??
    (v?.intValue === undefined ? undefined : String(v.intValue))
  );
}

/** The `traceparent` values vault-dev logged at debug level, one per request it received. */
function vaultTraceparents(logFile: string): string[] {
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { traceparent?: string })
    .flatMap((l) => (typeof l.traceparent === 'string' ? [l.traceparent] : []));
}

/** Polls vault-dev's log (pino writes asynchronously) until it names the trace. */
async function waitForVaultTraceparents(
  logFile: string,
  traceId: string,
  timeoutMs = 10_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = vaultTraceparents(logFile).filter(
      (tp) => tp.split('-')[1] === traceId,
    );
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True once every hop's spans of the trace have arrived (services export independently). */
function isTraceComplete(spans: ReceivedSpan[], traceId: string): boolean {
  const has = (service: string, kind: number) =>
    spans.some(
      (s) => s.traceId === traceId && s.service === service && s.kind === kind,
    );
  return (
    has('gateway-dev', SERVER) &&
    has('agent', SERVER) &&
    has('agent', CLIENT) &&
    has('wallet', SERVER) &&
    has('wallet', CLIENT)
  );
}

const hex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

describe('one trace per request across gateway-dev, agent, wallet and vault-dev (phase 3, real processes)', () => {
  let receiver: Receiver;
  let platform: Platform;
  let headers: Record<string, string>;
  const secretValue = `trace-probe ${hex(8)}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // A short batch delay so spans arrive within a second instead of the SDK's 5 s default.
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    platform = await startTestPlatform(3, {
      env: {
        gateway: otel,
        agent: otel,
        wallet: otel,
        vault: { LOG_LEVEL: 'debug' },
      },
    });
    const tenant = platform.tenants[0];
    const login = await request(
      `${platform.urls.gateway}/auth/login/${tenant.username}`,
      {
        method: 'POST',
        body: JSON.stringify({ password: tenant.password }),
        headers: { 'content-type': 'application/json' },
      },
    );
    const vaultToken = (login.body as { auth: { client_token: string } }).auth
      .client_token;
    const token = await request(`${platform.urls.gateway}/auth/token`, {
      headers: { 'x-vault-token': vaultToken },
    });
    const jwt = (token.body as { data: { token: string } }).data.token;
    headers = { apikey: platform.apiKey, authorization: `Bearer ${jwt}` };
    const put = await request(
      `${platform.urls.gateway}/cloud-agent/secrets/trace-probe`,
      {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ value: secretValue }),
      },
    );
    expect(put.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('exports OTLP/JSON from every service to the configured endpoint', async () => {
    const spans = await waitForSpans(
      receiver,
      (s) => new Set(s.map((x) => x.service)).size >= 3,
    );
    expect([...new Set(spans.map((s) => s.service))].sort()).toEqual([
      'agent',
      'gateway-dev',
      'wallet',
    ]);
    expect([...receiver.contentTypes]).toEqual([
      expect.stringMatching(/^application\/json/),
    ]);
  });

  it("continues the caller's traceparent through every hop, each server span parented by the previous hop's client span", async () => {
    const traceId = hex(16);
    const callerSpanId = hex(8);
    const res = await request(
      `${platform.urls.gateway}/cloud-agent/secrets/trace-probe`,
      {
        headers: {
          ...headers,
          traceparent: `00-${traceId}-${callerSpanId}-01`,
        },
      },
    );
    expect(res.status).toBe(200);
    expect((res.body as { value: string }).value).toBe(secretValue);

    const all = await waitForSpans(receiver, (s) =>
      isTraceComplete(s, traceId),
    );
    const spans = all.filter((s) => s.traceId === traceId);
    const only = (service: string, kind: number) => {
      const found = spans.filter(
        (s) => s.service === service && s.kind === kind,
      );
      expect(found.map((s) => `${s.service} ${s.name}`)).toHaveLength(1);
      return found[0];
    };
    const gateway = only('gateway-dev', SERVER);
    const agentServer = only('agent', SERVER);
    const agentClient = only('agent', CLIENT);
    const walletServer = only('wallet', SERVER);
    const walletClients = spans.filter(
      (s) => s.service === 'wallet' && s.kind === CLIENT,
    );

    expect(gateway.parentSpanId).toBe(callerSpanId);
    expect(agentServer.parentSpanId).toBe(gateway.spanId);
    expect(walletServer.parentSpanId).toBe(agentClient.spanId);
    expect(agentServer.name).toBe('GET /secrets/*name');
    expect(walletServer.name).toMatch(/^GET \/.*secrets\/\*name$/);

    // Inner spans may sit between a server span and its client spans; walk up to the server span.
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const serverAncestor = (s: OtlpSpan): OtlpSpan | undefined => {
      let cur: OtlpSpan | undefined = byId.get(s.parentSpanId ?? '');
      while (cur && cur.kind !== SERVER) cur = byId.get(cur.parentSpanId ?? '');
      return cur;
    };
    expect(serverAncestor(agentClient)?.spanId).toBe(agentServer.spanId);
    expect(walletClients.length).toBeGreaterThan(0);
    for (const c of walletClients)
      expect(serverAncestor(c)?.spanId).toBe(walletServer.spanId);
    // Every span's parent is in the trace, except the gateway's, whose parent is the caller.
    for (const s of spans)
      if (s !== gateway) expect(byId.has(s.parentSpanId ?? '')).toBe(true);

    // vault-dev exports nothing; it logs the traceparent it received, which must name a wallet client span.
    const seenByVault = await waitForVaultTraceparents(
      platform.logFiles.vault as string,
      traceId,
    );
    expect(seenByVault.length).toBeGreaterThan(0);
    const walletClientIds = walletClients.map((c) => c.spanId);
    for (const tp of seenByVault) {
      expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(walletClientIds).toContain(tp.split('-')[2]);
    }
  });

  it('starts one trace at the gateway when the caller sends no traceparent', async () => {
    const res = await request(
      `${platform.urls.gateway}/cloud-agent/secrets/trace-probe`,
      { headers },
    );
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();

    const all = await waitForSpans(receiver, (s) =>
      s.some(
        (x) => x.service === 'agent' && attr(x, 'request.id') === requestId,
      ),
    );
    const agentServer = all.find(
      (s) => s.service === 'agent' && attr(s, 'request.id') === requestId,
    );
    expect(agentServer).toBeDefined();
    const traceId = (agentServer as OtlpSpan).traceId;
    await waitForSpans(receiver, (s) => isTraceComplete(s, traceId));
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const gateway = spans.find((s) => s.service === 'gateway-dev');
    expect(gateway?.parentSpanId ?? '').toBe('');
    expect(agentServer?.parentSpanId).toBe(gateway?.spanId);
    expect(new Set(spans.map((s) => s.service))).toEqual(
      new Set(['gateway-dev', 'agent', 'wallet']),
    );
    expect(
      await waitForVaultTraceparents(
        platform.logFiles.vault as string,
        traceId,
      ),
    ).not.toEqual([]);
  });

  it('puts no secret value, token, API key or secret name into any exported span', () => {
    const exported = receiver.bodies.join('\n');
    expect(exported.length).toBeGreaterThan(0);
    expect(exported).not.toContain(secretValue);
    expect(exported).not.toContain(platform.apiKey);
    expect(exported).not.toContain(
      headers['authorization'].slice('Bearer '.length),
    );
    expect(exported).not.toContain(platform.vaultRootToken);
    expect(exported).not.toContain('trace-probe');
  });
});
