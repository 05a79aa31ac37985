// Telemetry comes first. Tracing is explicit (express middleware, axios
// interceptor), so nothing needs monkey-patching before express loads; initTelemetry only has
// to run before the first request is accepted.
import { createBoundedServer, initTelemetry } from '@secret-flows/telemetry';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { buildApp } from './app';
import { createDependencies } from './compose';
import { ConfigError, loadConfig } from './config';
import { keepLoggingInUntilFirstSuccess } from './system/vault-readiness';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : String(err)}\n`,
    );
    process.exit(2);
  }
  const telemetry = initTelemetry({
    serviceName: config.telemetry.serviceName,
    otlpEndpoint: config.telemetry.otlpEndpoint,
  });
  const deps = createDependencies(config, { tracer: telemetry.tracer });
  const { logger, vault } = deps;

  // Log in now so a bad secret_id shows up at start; failure is not fatal (Vault or the AppRole
  // Secret may come later): it retries until one login succeeds, and readiness waits for that.
  keepLoggingInUntilFirstSuccess({
    vault,
    onError: (err) =>
      logger.warn({ err }, 'initial Vault login failed; will retry'),
  });

  // Header and whole-request deadlines enforced by Node itself (a slow upload cannot stay open).
  const server = createBoundedServer(buildApp(deps)).listen(
    config.http.port,
    config.http.host,
  );
  server.once('listening', () => {
    const address = server.address();
    const port =
      typeof address === 'object' && address ? address.port : config.http.port;
    logger.info(
      { host: config.http.host, port, tenancy: config.tenancy },
      'wallet listening',
    );
  });
  server.once('error', (err) => {
    logger.fatal({ err }, 'wallet cannot listen');
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    // Three quarters of the budget for in-flight requests, the rest to revoke the token.
    drain(server, Math.floor(config.shutdownTimeoutMs * 0.75))
      .then(() => vault.stop())
      .then(() => telemetry.shutdown())
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

// Stop accepting, let in-flight requests finish, close idle keep-alive sockets now. A client that
// keeps a keep-alive socket busy (the agent under load) would hold server.close() open forever, so
// every response from now on says Connection: close and ends its socket; what is left when the
// budget runs out is cut.
function drain(server: Server, budgetMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.prependListener(
      'request',
      (_req: IncomingMessage, res: ServerResponse) =>
        res.setHeader('Connection', 'close'),
    );
    const cut = setTimeout(() => server.closeAllConnections(), budgetMs);
    cut.unref();
    server.close((err) => {
      clearTimeout(cut);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

main().catch((err: unknown) => {
  // Startup failures (unreadable key file, bad CA file) carry no secrets in their messages.
  process.stderr.write(
    `wallet failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
