import type { Tracer } from '@opentelemetry/api';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { createDependencies } from './compose';
import { resolveConfigPath, withUpstreamShorthands } from './config';
import type { GatewayLogger } from './proxy/forward';
import {
  createRequestBudget,
  DEFAULT_REQUEST_BUDGET,
  type RequestBudgetLimits,
} from './proxy/request-budget';
import type { UpstreamAgents } from './proxy/upstream';
import { watchConfigFile } from './standalone/config-watcher';
import {
  nodeConfigPathFor,
  readNodeConfig,
  type NodeConfig,
} from './standalone/node-config';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  /** Path of the APISIX standalone file; by default deploy/apisix/apisix.yaml of this repository. */
  readonly configPath?: string;
  /**
   * APISIX's node configuration (conf/config.yaml): upstream TLS trust and verification, client
   * limits. By default the config.yaml next to the standalone file, if there is one; read once
   * at start, as APISIX does.
   */
  readonly nodeConfigPath?: string;
  /** Bounds on requests in flight and buffered body bytes (503 + Retry-After beyond them). */
  readonly limits?: Partial<RequestBudgetLimits>;
  /** Environment for `${{VAR}}` substitution; `AGENT_UPSTREAM=host:port` shorthands are split. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly logger?: GatewayLogger;
  /** Clock for rate-limit windows (ms since epoch). */
  readonly now?: () => number;
  /** Records and exports a span per request on routes with the opentelemetry plugin. */
  readonly tracer?: Tracer;
  /** Budget for in-flight requests to finish on stop() before connections are cut. */
  readonly shutdownTimeoutMs?: number;
  /**
   * Re-read the file when it changes, checked this often (APISIX: every second). A changed file
   * that cannot be honoured is logged and the previous configuration stays. Off when unset.
   */
  readonly reloadIntervalMs?: number;
}

/** A running gateway. */
export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:9080. */
  readonly address: string;
  readonly port: number;
  /** Route ids of the configuration currently served. */
  readonly routeIds: readonly string[];
  /** Stops accepting, lets in-flight requests finish (bounded), closes upstream connections. */
  stop(): Promise<void>;
}

const silentLogger: GatewayLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Loads the standalone file and starts the dev gateway; rejects with GatewayConfigError when
 * the file cannot be honoured (missing #END, unset variable, unimplemented plugin…).
 */
export async function startGateway(
  options: StartGatewayOptions,
): Promise<RunningGateway> {
  const logger = options.logger ?? silentLogger;
  const configPath =
    options.configPath ?? resolveConfigPath(undefined, process.cwd());
  const env = withUpstreamShorthands(options.env);
  const nodeConfig: NodeConfig = readNodeConfig(
    nodeConfigPathFor(configPath, options.nodeConfigPath),
    env,
  );
  const budget = createRequestBudget({
    ...DEFAULT_REQUEST_BUDGET,
    ...options.limits,
  });
  const bodyLimits = {
    clientMaxBodySize: nodeConfig.http.clientMaxBodySize,
    clientBodyTimeoutMs: nodeConfig.http.clientBodyTimeoutMs,
  };
  const load = (agents?: UpstreamAgents) =>
    createDependencies({
      configPath,
      env,
      logger,
      now: options.now,
      tracer: options.tracer,
      agents,
      tls: nodeConfig.upstreamTls,
      budget,
      bodyLimits,
    });
  let deps = load();
  let listeningPort = 0;
  const app = buildApp({
    router: { match: (request) => deps.router.match(request) },
    forward: (...args) => deps.forward(...args),
    logger,
    serverPort: () => listeningPort,
    budget,
  });
  // nginx's client deadlines from config.yaml: keepalive_timeout, client_header_timeout (the
  // whole header), client_body_timeout (between reads, in request-body.ts). nginx has no deadline
  // for a whole request, so Node's requestTimeout is off.
  const headerTimeoutMs = nodeConfig.http.clientHeaderTimeoutMs;
  const server = http.createServer(
    {
      keepAliveTimeout: nodeConfig.http.keepaliveTimeoutMs,
      headersTimeout: headerTimeoutMs,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, Math.floor(headerTimeoutMs / 4)),
      ),
    },
    app,
  );
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  listeningPort = port;
  const reloader =
    options.reloadIntervalMs === undefined
      ? undefined
      : watchConfigFile({
          path: configPath,
          intervalMs: options.reloadIntervalMs,
          logger,
          reload: () => {
            deps = load(deps.agents);
          },
        });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    address: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`,
    port,
    get routeIds() {
      return deps.routeIds;
    },
    stop: () => {
      reloader?.stop();
      return stopServer(
        server,
        deps.agents,
        options.shutdownTimeoutMs ?? 10_000,
      );
    },
  };
}

async function stopServer(
  server: http.Server,
  agents: UpstreamAgents,
  timeoutMs: number,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // server.close() closes only the connections idle at that moment; a keep-alive connection
  // whose request finishes later would otherwise hold the drain open for its whole timeout.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearInterval(sweeper);
  clearTimeout(deadline);
  agents.destroy();
}
