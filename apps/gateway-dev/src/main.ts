import { createLogger, initTelemetry } from '@secret-flows/telemetry';
import { loadConfig } from './config';
import { startGateway } from './gateway';

// The process shell: config, telemetry, listen, SIGTERM/SIGINT drain. gateway-dev creates its
// spans explicitly (the opentelemetry plugin), so no require-hook instrumentation has to load
// before anything else; auto-instrumenting node:http would even overwrite the traceparent it sets.
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({
    name: config.serviceName,
    level: config.logLevel,
  });
  const telemetry = config.otlpEndpoint
    ? initTelemetry({
        serviceName: config.serviceName,
        otlpEndpoint: config.otlpEndpoint,
      })
    : undefined;
  const gateway = await startGateway({
    configPath: config.configPath,
    nodeConfigPath: config.nodeConfigPath,
    limits: config.limits,
    env: config.substitutionEnv,
    host: config.host,
    port: config.port,
    logger,
    tracer: telemetry?.tracer,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    reloadIntervalMs:
      config.reloadIntervalMs > 0 ? config.reloadIntervalMs : undefined,
  });
  logger.info(
    {
      address: gateway.address,
      config: config.configPath,
      routes: gateway.routeIds,
    },
    'gateway-dev listening',
  );

  let isStopping = false;
  const shutdown = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'draining');
    gateway
      .stop()
      .then(() => telemetry?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Config errors name the variable, plugin or route; they never contain values.
  process.stderr.write(
    `gateway-dev: refusing to start: ${(error as Error).message}\n`,
  );
  process.exit(1);
});
