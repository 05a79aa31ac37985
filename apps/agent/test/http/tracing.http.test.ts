import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  createMetrics,
  initTelemetry,
  instrumentAxios,
  tracingMiddleware,
  type Telemetry,
} from '@secret-flows/telemetry';
import pino from 'pino';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { createWalletHttpBackend } from '../../src/backend/wallet-http/wallet-http-backend';
import { createAdminGuard } from '../../src/http/admin-guard';
import type { TenantResolver } from '../../src/tenant/tenant-resolver';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('agent trace propagation', () => {
  let telemetry: Telemetry;
  let exporter: InMemorySpanExporter;
  let wallet: http.Server;
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    exporter = new InMemorySpanExporter();
    telemetry = initTelemetry({ serviceName: 'agent-test', exporter });
    wallet = http.createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end('{"names":[]}');
    });
    await new Promise<void>((resolve) =>
      wallet.listen(0, '127.0.0.1', resolve),
    );
  });
  afterAll(async () => {
    await telemetry.shutdown();
    await new Promise<void>(
      (resolve) => (
        wallet.closeAllConnections(),
        wallet.close(() => resolve())
      ),
    );
  });

  it('continues the caller trace into the wallet call and names the tenant on the server span', async () => {
    const backend = createWalletHttpBackend({
      baseUrl: `http://127.0.0.1:${(wallet.address() as AddressInfo).port}`,
      timeoutMs: 2000,
      serviceToken: () => 'service.jwt.token',
      instrument: (instance) => instrumentAxios(instance),
    });
    const resolver: TenantResolver = {
      resolve: async () => ({
        tenantId: 'acme',
        bearerToken: 'tenant.jwt.token',
      }),
    };
    const app = buildApp({
      backend,
      tenantResolver: resolver,
      adminGuard: createAdminGuard({
        source: { kind: 'none' },
        compare: () => false,
      }),
      tenancy: 'single',
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({
        serviceName: 'agent-test',
        defaultMetrics: false,
      }),
      tracing: tracingMiddleware({ tracer: telemetry.tracer }),
      version: 'test',
      startedAt: new Date(),
    });

    await request(app)
      .get('/secrets')
      .set('traceparent', `00-${TRACE_ID}-00f067aa0ba902b7-01`)
      .set('x-request-id', 'trace-1')
      .expect(200);
    await backend.close();

    expect(seen).toHaveLength(1);
    expect(seen[0]?.traceparent).toMatch(
      new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`),
    );
    expect(seen[0]?.['x-request-id']).toBe('trace-1');
    const server = exporter
      .getFinishedSpans()
      .find((span) => span.name === 'GET /secrets');
    expect(server?.spanContext().traceId).toBe(TRACE_ID);
    expect(server?.attributes['tenant.id']).toBe('acme');
    for (const span of exporter.getFinishedSpans()) {
      expect(JSON.stringify(span.attributes)).not.toMatch(/jwt\.token/);
    }
  });
});
