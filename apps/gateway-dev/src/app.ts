import type * as http from 'node:http';
import type {
  GatewayRequest,
  PluginExit,
  RoutePlugin,
} from './plugins/plugin.types';
import {
  gatewayHeaders,
  type createForwarder,
  type GatewayLogger,
} from './proxy/forward';
import { ROUTE_NOT_FOUND, sendExit } from './proxy/exit-responses';
import type { Upstream } from './proxy/upstream';
import type { RequestBudget } from './proxy/request-budget';
import { parseRequestTarget } from './routing/request-path';

/** A route ready to serve: its matcher data, plugins in execution order and upstream. */
export interface CompiledRoute {
  readonly id: string;
  readonly uris: readonly string[];
  readonly methods?: readonly string[];
  readonly priority: number;
  readonly plugins: readonly RoutePlugin[];
  readonly upstream: Upstream;
}

/** What the request handler needs; built by compose.ts. */
export interface AppDependencies {
  readonly router: {
    match(request: GatewayRequest): CompiledRoute | undefined;
  };
  readonly forward: ReturnType<typeof createForwarder>;
  /** The listening port, read once per request without a getsockname call per request. */
  readonly serverPort: () => number;
  readonly logger: Pick<GatewayLogger, 'error'>;
  /** Caps requests in flight; beyond it the gateway answers 503 + Retry-After at once. */
  readonly budget?: RequestBudget;
}

/**
 * The gateway's request handler (node:http, no framework on the hot path): match a route,
 * run its plugins in APISIX order, then proxy or answer with the plugin's exit.
 */
export function buildApp(deps: AppDependencies): http.RequestListener {
  const handle = createHandler(deps);
  return (req, res) => {
    if (deps.budget) {
      if (!deps.budget.tryEnter()) {
        sendExit(res, 503, {
          headers: [
            ['Retry-After', '1'],
            ['Connection', 'close'],
          ],
        });
        return;
      }
      const budget = deps.budget;
      res.once('close', () => budget.leave());
    }
    try {
      handle(req, res);
    } catch (error) {
      // A bug in a plugin must cost one request, not the process (nginx answers 500 the same way).
      deps.logger.error(
        { err: error, url: req.url?.split('?')[0] },
        'request handling failed',
      );
      if (!res.headersSent) sendExit(res, 500);
      else res.destroy();
    }
  };
}

function createHandler(deps: AppDependencies): http.RequestListener {
  return (req, res) => {
    const target = parseRequestTarget(req.url ?? '');
    if (!target) {
      sendExit(res, 400);
      return;
    }
    const request: GatewayRequest = {
      method: req.method ?? 'GET',
      requestUri: target.requestUri,
      uri: target.uri,
      args: target.args,
      headers: { ...req.headers },
      responseHeaders: new Map(),
      responseHeaderDefaults: new Map(),
      routeId: '',
      remoteAddr: clientAddress(req),
      serverPort: deps.serverPort(),
      consumerName: undefined,
      upstreamUri: undefined,
      upstreamMethod: undefined,
      upstreamHost: undefined,
      onResponse: [],
    };
    const route = deps.router.match(request);
    if (!route) {
      sendExit(res, 404, { body: ROUTE_NOT_FOUND });
      return;
    }
    request.routeId = route.id;
    const exit = runPlugins(route.plugins, request);
    if (exit) {
      sendExit(res, exit.status, {
        body: exit.body,
        headers: [
          ...gatewayHeaders(request),
          ...Object.entries(exit.headers ?? {}),
        ],
      });
    } else {
      deps.forward(req, res, request, route.upstream);
    }
    // 'close' comes after the last byte (or an abort), so registering after sending is in time.
    if (request.onResponse.length > 0) {
      res.once('close', () => {
        for (const listener of request.onResponse) listener(res.statusCode);
      });
    }
  };
}

function runPlugins(
  plugins: readonly RoutePlugin[],
  request: GatewayRequest,
): PluginExit | undefined {
  for (const plugin of plugins) {
    const exit = plugin.handle(request);
    if (exit) return exit;
  }
  return undefined;
}

function clientAddress(req: http.IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
