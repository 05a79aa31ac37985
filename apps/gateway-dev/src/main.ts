import pino from 'pino';
import { loadConfig } from './config';
import { startGateway } from './gateway';

// The process shell: config, listen, SIGTERM/SIGINT drain. Everything else is in gateway.ts.
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ name: 'gateway-dev', level: config.logLevel });
  const gateway = await startGateway({
    configPath: config.configPath,
    env: config.substitutionEnv,
    host: config.host,
    port: config.port,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  });
  logger.info({ address: gateway.address, config: config.configPath, routes: gateway.routeIds }, 'gateway-dev listening');

  let isStopping = false;
  const shutdown = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'draining');
    gateway.stop().then(
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
  process.stderr.write(`gateway-dev: refusing to start: ${(error as Error).message}\n`);
  process.exit(1);
});
