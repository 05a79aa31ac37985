// Telemetry must load before express and http so its instrumentations can patch them; this
// import stays the first line.
import { createBoundedServer, initTelemetry } from '@secret-flows/telemetry';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { buildApp } from './app';
import { createDependencies } from './compose';
import { ConfigError, loadConfig } from './config';

const telemetry = initTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'agent',
});

function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A client that keeps its keep-alive socket busy would hold close() open until the timeout:
    // from now on every response ends its socket after it is sent.
    server.prependListener(
      'request',
      (_req: IncomingMessage, res: ServerResponse) =>
        res.setHeader('Connection', 'close'),
    );
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Idle keep-alive sockets would otherwise hold close() open until the timeout.
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const deps = createDependencies(config);
  const app = buildApp(deps);
  // Header and whole-request deadlines enforced by Node itself (a slow upload cannot stay open).
  const server = createBoundedServer(app).listen(
    config.port,
    config.host,
    () => {
      const address = server.address();
      const port =
        typeof address === 'object' && address ? address.port : config.port;
      deps.logger.info(
        {
          host: config.host,
          port,
          backend: config.backend.kind,
          tenancy: config.tenancy,
        },
        'agent listening',
      );
    },
  );
  server.on('error', (err) => {
    deps.logger.fatal(
      { err: { name: err.name, message: err.message } },
      'agent cannot listen',
    );
    process.exit(1);
  });
  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    deps.logger.info({ signal }, 'agent draining');
    deps.beginDrain();
    await drain(server, config.shutdownTimeoutMs);
    await deps
      .close()
      .catch((err: Error) =>
        deps.logger.warn(
          { err: { message: err.message } },
          'backend close failed',
        ),
      );
    await telemetry.shutdown().catch(() => undefined);
    deps.logger.info('agent stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  // A ConfigError lists variable names and rules only, never values, so it is safe to print.
  const message =
    err instanceof ConfigError
      ? err.message
      : `agent failed to start: ${(err as Error).name}: ${(err as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
