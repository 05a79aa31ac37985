import { trace } from '@opentelemetry/api';
import express from 'express';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { initTelemetry } from './index';
import { listen } from '../test/servers';

describe('initTelemetry', () => {
  it('exports spans as OTLP/HTTP (in a child process) to <endpoint>/v1/traces with the service name', async () => {
    const received: { path: string; body: string }[] = [];
    const collector = express();
    collector.use(express.raw({ type: () => true, limit: '1mb' }));
    collector.post('/*path', (req, res) => {
      received.push({
        path: req.path,
        body: Buffer.from(req.body as Buffer).toString('utf8'),
      });
      res.json({});
    });
    const server = await listen(collector);
    try {
      const fixture = path.join(
        __dirname,
        '..',
        'test',
        'fixtures',
        'otlp-export.ts',
      );
      await promisify(execFile)(
        process.execPath,
        ['-r', '@swc-node/register', fixture, `${server.url}/`],
        {
          cwd: path.join(__dirname, '..'),
          timeout: 25_000,
        },
      );
      expect(received).toHaveLength(1);
      expect(received[0]?.path).toBe('/v1/traces');
      expect(received[0]?.body).toContain('wallet secret read');
      expect(received[0]?.body).toContain('otlp-test');
    } finally {
      await server.close();
    }
  }, 30_000); // a child node process with a TypeScript loader takes seconds on a loaded machine

  it('works without a collector when neither an endpoint nor an exporter is given', async () => {
    const saved = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    try {
      const telemetry = initTelemetry({ serviceName: 'quiet' });
      const span = telemetry.tracer.startSpan('x');
      expect(span.isRecording()).toBe(true);
      span.end();
      await expect(telemetry.shutdown()).resolves.toBeUndefined();
    } finally {
      if (saved !== undefined)
        process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = saved;
    }
  });

  it('unregisters the global provider on shutdown so a later init can register again', async () => {
    const first = initTelemetry({ serviceName: 'first' });
    await first.shutdown();
    const second = initTelemetry({ serviceName: 'second' });
    expect(trace.getTracerProvider()).toBeDefined();
    const span = trace.getTracer('t').startSpan('s');
    expect(span.spanContext().traceId).not.toBe(
      '00000000000000000000000000000000',
    );
    span.end();
    await second.shutdown();
    expect(trace.getTracer('t').startSpan('after').spanContext().traceId).toBe(
      '00000000000000000000000000000000',
    );
  });
});
