import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import axios from 'axios';
import express from 'express';
import { initTelemetry, instrumentAxios } from './index';
import { listen } from '../test/servers';

describe('instrumentAxios', () => {
  let upstream: Awaited<ReturnType<typeof listen>>;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    const app = express();
    app.get('/status/:code', (req, res) => {
      seen.push(req.headers['traceparent'] as string | undefined);
      res.status(Number(req.params['code'])).json({});
    });
    upstream = await listen(app);
  });
  afterAll(async () => {
    await upstream.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('passes requests through untouched when no tracer provider is registered', async () => {
    const http = instrumentAxios(axios.create({ baseURL: upstream.url }));
    await expect(http.get('/status/200')).resolves.toMatchObject({
      status: 200,
    });
    expect(seen).toEqual([undefined]);
  });

  it('names the CLIENT span with spanName, records server and status, and marks 4xx/5xx answers as errors', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = initTelemetry({ serviceName: 'axios-test', exporter });
    try {
      const http = instrumentAxios(axios.create({ baseURL: upstream.url }), {
        spanName: (config) => `wallet ${config.method ?? 'get'} status`,
      });
      await http.get('/status/204');
      await http.get('/status/409').catch(() => undefined);
      await http.get('/status/503', { validateStatus: () => true });
      const [ok, conflict, unavailable] = exporter.getFinishedSpans();
      expect(unavailable?.status.code).toBe(SpanStatusCode.ERROR);
      expect(ok).toMatchObject({
        name: 'wallet get status',
        kind: SpanKind.CLIENT,
      });
      expect(ok?.attributes).toMatchObject({
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'http.response.status_code': 204,
      });
      expect(ok?.status.code).toBe(SpanStatusCode.UNSET);
      expect(conflict?.attributes['http.response.status_code']).toBe(409);
      expect(conflict?.status.code).toBe(SpanStatusCode.ERROR);
      expect(seen[0]).toBe(
        `00-${ok?.spanContext().traceId}-${ok?.spanContext().spanId}-01`,
      );
    } finally {
      await telemetry.shutdown();
    }
  });
});
