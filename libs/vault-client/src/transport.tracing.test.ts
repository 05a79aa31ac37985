import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createHttpTransport } from './transport';
import { startFakeHttpServer } from '../test/fakes/fake-http-server';

describe('transport spans', () => {
  const exporter = new InMemorySpanExporter();
  let server: Awaited<ReturnType<typeof startFakeHttpServer>>;
  beforeAll(async () => {
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }),
    );
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    server = await startFakeHttpServer((req) =>
      req.url.includes('denied')
        ? { status: 403, body: { errors: ['permission denied'] } }
        : { status: 200, body: { data: {} } },
    );
  });
  afterAll(async () => {
    await server.stop();
    trace.disable();
    propagation.disable();
  });

  it('records one client span per call with operation, mount and status, and no path, token or value', async () => {
    const t = createHttpTransport({ address: server.address });
    await t.send({
      method: 'POST',
      path: 'secret/data/tenants/acme/secrets/db-password',
      body: { data: { value: 'hunter2' } },
      token: 'hvs.tok',
      operation: 'kv.write secret',
    });
    await t
      .send({ method: 'GET', path: 'secret/data/denied', token: 'hvs.tok' })
      .catch(() => undefined);
    t.close();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      'vault kv.write secret',
      'vault GET secret',
    ]);
    expect(spans[0].attributes).toEqual({
      'vault.operation': 'kv.write secret',
      'vault.mount': 'secret',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
    });
    expect(spans[1].attributes['http.response.status_code']).toBe(403);
    expect(spans[1].status).toEqual({ code: 2, message: 'VaultResponseError' });
    const everything = JSON.stringify(
      spans.map((s) => ({
        n: s.name,
        a: s.attributes,
        st: s.status,
        e: s.events,
      })),
    );
    for (const leak of ['hunter2', 'hvs.tok', 'acme', 'db-password'])
      expect(everything).not.toContain(leak);
  });

  it("sends each call's traceparent naming its own client span, so Vault joins the caller's trace", async () => {
    exporter.reset();
    const t = createHttpTransport({ address: server.address });
    await t.send({
      method: 'GET',
      path: 'secret/data/traced',
      token: 'hvs.tok',
      operation: 'kv.read secret',
    });
    t.close();
    const [span] = exporter.getFinishedSpans();
    const sent = server.seen.at(-1)?.headers['traceparent'];
    expect(sent).toBe(
      `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
    );
  });
});
