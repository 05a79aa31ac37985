import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import {
  annotateActiveSpan,
  initTelemetry,
  withSpan,
  type Telemetry,
} from './index';

describe('span helpers', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = initTelemetry({ serviceName: 'spans-test', exporter });
  });
  afterAll(async () => {
    await telemetry.shutdown();
  });
  beforeEach(() => exporter.reset());

  it('nests withSpan under the active span and records annotations made inside it', async () => {
    await withSpan('outer', async () => {
      annotateActiveSpan({ 'tenant.id': 'acme' });
      await withSpan('inner', async () => undefined, {
        attributes: { 'secret_flows.operation': 'secret.get' },
      });
    });
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer?.name).toBe('outer');
    expect(outer?.kind).toBe(SpanKind.INTERNAL);
    expect(outer?.attributes).toEqual({ 'tenant.id': 'acme' });
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.attributes).toEqual({
      'secret_flows.operation': 'secret.get',
    });
  });

  it('marks a failed span with the error code only and rethrows', async () => {
    const failure = Object.assign(
      new Error('no secret at secret/data/tenants/acme/secrets/db'),
      { code: 'not_found' },
    );
    await expect(
      withSpan('op', async () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'not_found',
    });
    expect(JSON.stringify(span?.events ?? [])).not.toContain('tenants/acme');
  });

  it('does nothing when there is no active span', () => {
    expect(() => annotateActiveSpan({ 'tenant.id': 'acme' })).not.toThrow();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
