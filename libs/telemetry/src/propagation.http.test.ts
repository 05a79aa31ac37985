import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import axios from 'axios';
import express from 'express';
import { Writable } from 'node:stream';
import {
  createLogger,
  initTelemetry,
  instrumentAxios,
  requestIdMiddleware,
  tracingMiddleware,
  type Telemetry,
} from './index';
import { listen } from '../test/servers';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';

describe('W3C trace propagation from app A through an instrumented axios to app B', () => {
  const exporter = new InMemorySpanExporter();
  const logLines: string[] = [];
  let telemetry: Telemetry;
  let appB: Awaited<ReturnType<typeof listen>>;
  let appA: Awaited<ReturnType<typeof listen>>;
  let deadUrl: string;

  beforeAll(async () => {
    telemetry = initTelemetry({ serviceName: 'propagation-test', exporter });
    const logger = createLogger({
      name: 'a',
      destination: new Writable({
        write: (chunk: Buffer, _enc, cb) => (
          logLines.push(chunk.toString()),
          cb()
        ),
      }),
    });

    const b = express();
    b.use(tracingMiddleware({ tracer: telemetry.tracer }));
    b.get('/b/:id', (req, res) => {
      res.json({ traceparent: req.headers['traceparent'] ?? null });
    });
    appB = await listen(b);

    const dead = await listen(express());
    deadUrl = dead.url;
    await dead.close();

    const toB = instrumentAxios(axios.create({ baseURL: appB.url }), {
      tracer: telemetry.tracer,
    });
    const toDead = instrumentAxios(
      axios.create({ baseURL: deadUrl, timeout: 1000 }),
      { tracer: telemetry.tracer },
    );
    const a = express();
    a.use(requestIdMiddleware());
    a.use(tracingMiddleware({ tracer: telemetry.tracer }));
    a.get('/a', async (_req, res) => {
      logger.info('calling b');
      const { data } = await toB.get('/b/secret-name-123');
      res.json(data);
    });
    a.get('/a/dead', async (_req, res) => {
      await toDead.get('/anything').catch(() => undefined);
      res.status(502).json({ code: 'wallet_unavailable' });
    });
    appA = await listen(a);
  });

  afterAll(async () => {
    await appA?.close();
    await appB?.close();
    await telemetry?.shutdown();
  });

  beforeEach(() => {
    exporter.reset();
    logLines.length = 0;
  });

  // A server span ends on the response's 'finish' event, which can run just after the client
  // already has the body; wait (bounded) until the expected spans are exported.
  async function finishedSpans(count: number): Promise<ReadableSpan[]> {
    for (
      let i = 0;
      i < 200 && exporter.getFinishedSpans().length < count;
      i += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return exporter.getFinishedSpans();
  }

  const spanNamed = (spans: ReadableSpan[], name: string, kind: SpanKind) => {
    const span = spans.find((s) => s.name === name && s.kind === kind);
    if (!span)
      throw new Error(
        `no ${name} span among ${spans.map((s) => s.name).join(', ')}`,
      );
    return span;
  };

  it('continues the incoming trace across both hops with correct parent links', async () => {
    const { data } = await axios.get(`${appA.url}/a`, {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });
    const spans = await finishedSpans(3);
    const serverA = spanNamed(spans, 'GET /a', SpanKind.SERVER);
    const client = spanNamed(spans, 'HTTP GET', SpanKind.CLIENT);
    const serverB = spanNamed(spans, 'GET /b/:id', SpanKind.SERVER);

    expect(spans.map((s) => s.spanContext().traceId)).toEqual([
      TRACE_ID,
      TRACE_ID,
      TRACE_ID,
    ]);
    expect(serverA.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(serverA.attributes['request.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.parentSpanContext?.spanId).toBe(serverA.spanContext().spanId);
    expect(serverB.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(data.traceparent).toBe(
      `00-${TRACE_ID}-${client.spanContext().spanId}-01`,
    );
  });

  it('starts a new trace when the caller sends none, still linking A and B', async () => {
    await axios.get(`${appA.url}/a`);
    const spans = await finishedSpans(3);
    const serverA = spanNamed(spans, 'GET /a', SpanKind.SERVER);
    const serverB = spanNamed(spans, 'GET /b/:id', SpanKind.SERVER);
    expect(serverA.parentSpanContext).toBeUndefined();
    expect(serverB.spanContext().traceId).toBe(serverA.spanContext().traceId);
    expect(serverA.spanContext().traceId).not.toBe(TRACE_ID);
  });

  it('names spans by route template and records no path values or headers', async () => {
    await axios.get(`${appA.url}/a`, {
      headers: { authorization: 'Bearer very-secret-jwt' },
    });
    const recorded = JSON.stringify(
      (await finishedSpans(3)).map((s) => ({
        name: s.name,
        attributes: s.attributes,
      })),
    );
    expect(recorded).toContain('/b/:id');
    expect(recorded).not.toContain('secret-name-123');
    expect(recorded).not.toContain('very-secret-jwt');
    const serverB = spanNamed(
      exporter.getFinishedSpans(),
      'GET /b/:id',
      SpanKind.SERVER,
    );
    expect(serverB.attributes).toMatchObject({
      'http.route': '/b/:id',
      'http.response.status_code': 200,
    });
  });

  it('stamps log lines written inside a request with its trace and span id', async () => {
    await axios.get(`${appA.url}/a`, {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });
    const serverA = spanNamed(
      await finishedSpans(3),
      'GET /a',
      SpanKind.SERVER,
    );
    const line = JSON.parse(
      logLines.find((l) => l.includes('calling b')) ?? '{}',
    );
    expect(line).toMatchObject({
      trace_id: TRACE_ID,
      span_id: serverA.spanContext().spanId,
      msg: 'calling b',
    });
  });

  it('ends the client span with an error when the upstream cannot be reached', async () => {
    await axios.get(`${appA.url}/a/dead`, { validateStatus: () => true });
    const spans = await finishedSpans(2);
    const client = spanNamed(spans, 'HTTP GET', SpanKind.CLIENT);
    expect(client.status.code).toBe(SpanStatusCode.ERROR);
    expect(client.status.message).toBe('ECONNREFUSED');
    expect(
      spanNamed(spans, 'GET /a/dead', SpanKind.SERVER).attributes[
        'http.response.status_code'
      ],
    ).toBe(502);
  });
});
