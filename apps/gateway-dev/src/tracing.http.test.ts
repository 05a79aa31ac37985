import { initTelemetry, type Telemetry } from '@secret-flows/telemetry';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { startGateway, type RunningGateway } from './gateway';
import {
  echoOf,
  startEchoUpstream,
  writeTempConfig,
} from '../test/echo-upstream';

const CONFIG = `
routes:
  - id: traced
    uri: /traced
    plugins:
      opentelemetry: {sampler: {name: parent_base, options: {root: {name: always_on}}}}
    upstream:
      nodes: [{host: 127.0.0.1, port: \${{ECHO_PORT}}, weight: 1}]
  - id: untraced
    uri: /untraced
    plugins:
      opentelemetry: {sampler: {name: always_off}}
    upstream:
      nodes: [{host: 127.0.0.1, port: \${{ECHO_PORT}}, weight: 1}]
#END
`;

/** The span ends on the response's close event, which may trail the client's last byte a little. */
async function finishedSpans(exporter: InMemorySpanExporter, expected: number) {
  for (
    let attempt = 0;
    attempt < 50 && exporter.getFinishedSpans().length < expected;
    attempt += 1
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return exporter.getFinishedSpans();
}

describe('gateway spans with a tracer (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    telemetry = initTelemetry({ serviceName: 'gateway-dev', exporter });
    echo = await startEchoUpstream('echo');
    gateway = await startGateway({
      configPath: writeTempConfig(CONFIG),
      env: { ECHO_PORT: String(echo.port) },
      port: 0,
      tracer: telemetry.tracer,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await echo?.close();
    await telemetry?.shutdown();
  });

  it('exports one SERVER span that is the child of the caller and the parent of the upstream call', async () => {
    exporter.reset();
    const response = await fetch(`${gateway.address}/traced`, {
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
    });
    const seen = await echoOf(response);
    const [, traceId, spanId, flags] = String(seen.headers.traceparent).split(
      '-',
    );
    const spans = await finishedSpans(exporter, 1);
    expect(spans).toHaveLength(1);
    expect(spans[0].spanContext()).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId,
    });
    expect(spans[0].parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect([
      traceId,
      flags,
      spans[0].name,
      spans[0].attributes['http.response.status_code'],
    ]).toEqual(['0af7651916cd43dd8448eb211c80319c', '01', 'GET traced', 200]);
  });

  it('records nothing for a request its sampler drops, yet still passes a traceparent on', async () => {
    exporter.reset();
    const seen = await echoOf(await fetch(`${gateway.address}/untraced`));
    expect(seen.headers.traceparent).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/,
    );
    expect(await finishedSpans(exporter, 1)).toHaveLength(0);
  });
});
