import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { GatewayRequest } from '../plugins/plugin.types';
import { encodePath } from '../routing/request-path';
import { hostWithoutPort } from '../routing/request-vars';
import { sendExit } from './exit-responses';
import { withoutHopByHop } from './hop-by-hop';
import type { RequestBudget } from './request-budget';
import {
  readRequestBody,
  type BodyLimits,
  type BodyOutcome,
} from './request-body';
import { nodeHostHeader, type Upstream, type UpstreamAgents } from './upstream';

/** Where failures are reported (never with headers, queries or bodies: they carry secrets). */
export interface GatewayLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Proxies one request: body streamed both ways over keep-alive connections, hop-by-hop
 * headers dropped, X-Real-IP / X-Forwarded-* set as APISIX's nginx template does, plugin
 * response headers added. A refused or reset connection is a 502, a timeout a 504.
 */
export function createForwarder(options: {
  agents: UpstreamAgents;
  logger: GatewayLogger;
  budget: RequestBudget;
  bodyLimits: BodyLimits;
}) {
  return function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: GatewayRequest,
    upstream: Upstream,
  ): void {
    if (upstream.missingReason !== undefined) {
      // apisix/init.lua handle_upstream: `core.response.exit(502)` when the upstream is gone.
      sendExit(res, 502, { headers: gatewayHeaders(request) });
      return;
    }
    const refuseBody = (outcome: Exclude<BodyOutcome, { kind: 'ok' }>) => {
      if (outcome.kind === 'timeout' || outcome.kind === 'aborted') {
        // nginx terminates the request without an answer (client_body_timeout logs a 408).
        req.socket.destroy();
        return;
      }
      if (res.headersSent) return;
      const extra: [string, string][] = [['Connection', 'close']];
      if (outcome.kind === 'busy') extra.push(['Retry-After', '1']);
      options.logger.warn(
        { route: request.routeId, reason: outcome.kind },
        'request body refused',
      );
      sendExit(res, outcome.kind === 'too-large' ? 413 : 503, {
        headers: [...gatewayHeaders(request), ...extra],
      });
    };

    const proxy = (body: Buffer | undefined) => {
      const method = request.upstreamMethod ?? request.method;
      // nginx does not count a failure on a cached keep-alive connection as a try: the upstream
      // may have closed it just as we reused it. We can replay only a request without a body.
      const isReplayable =
        body === undefined &&
        (method === 'GET' || method === 'HEAD' || method === 'OPTIONS');
      const path = upstreamPath(request);
      const headers = upstreamHeaders(request, upstream.passHost);
      if (body !== undefined) {
        // The body is buffered, so nginx sends it with its length, never chunked.
        delete headers['transfer-encoding'];
        headers['content-length'] = String(body.length);
      }
      let isDone = false;

      const attempt = (isRetry: boolean) => {
        const node = upstream.pick();
        const nodeHeaders =
          upstream.passHost === 'node' && !request.upstreamHost
            ? { ...headers, host: nodeHostHeader(node, upstream.scheme) }
            : headers;
        const upstreamReq = http.request({
          host: node.host,
          port: node.port,
          method,
          path,
          headers: nodeHeaders,
          ...(upstream.scheme === 'https'
            ? tlsOptions(options.agents, nodeHeaders.host)
            : { agent: options.agents.http }),
        });
        const fail = (status: 502 | 504, reason: string) => {
          if (isDone) return;
          isDone = true;
          options.logger.warn(
            { route: request.routeId, upstream: upstream.id, status, reason },
            'upstream request failed',
          );
          upstreamReq.destroy();
          if (res.headersSent) res.destroy();
          else sendExit(res, status, { headers: gatewayHeaders(request) });
        };

        watchConnect(upstreamReq, upstream.connectTimeoutMs, () =>
          fail(504, 'connect timeout'),
        );
        upstreamReq.setTimeout(upstream.readTimeoutMs, () =>
          fail(504, 'read timeout'),
        );
        upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
          if (
            !isDone &&
            !isRetry &&
            isReplayable &&
            upstreamReq.reusedSocket &&
            error.code === 'ECONNRESET'
          ) {
            upstreamReq.destroy();
            attempt(true);
            return;
          }
          fail(502, error.code ?? error.message);
        });
        upstreamReq.on('response', (upstreamRes) => {
          if (isDone) return;
          isDone = true;
          relayResponse(upstreamRes, res, request);
        });
        // A client that goes away must not leave the upstream request running.
        res.once('close', () => {
          if (!res.writableFinished) upstreamReq.destroy();
        });
        upstreamReq.end(body);
      };

      attempt(false);
    };

    const reading = readRequestBody(
      req,
      options.bodyLimits,
      options.budget,
      (outcome) => {
        if (outcome.kind === 'ok') proxy(outcome.body);
        else refuseBody(outcome);
      },
    );
    res.once('close', () => reading.release());
  };
}

// Only a new connection can time out connecting; a reused keep-alive socket is connected.
function watchConnect(
  upstreamReq: http.ClientRequest,
  timeoutMs: number,
  onTimeout: () => void,
): void {
  upstreamReq.on('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(onTimeout, timeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

function relayResponse(
  upstreamRes: http.IncomingMessage,
  res: http.ServerResponse,
  request: GatewayRequest,
): void {
  res.writeHead(
    upstreamRes.statusCode ?? 502,
    upstreamRes.statusMessage,
    responseHeaders(upstreamRes, request),
  );
  upstreamRes.pipe(res);
  upstreamRes.on('error', () => res.destroy());
}

/**
 * nginx `proxy_ssl_server_name on; proxy_ssl_name $upstream_host` (APISIX's template): the SNI
 * and the name verified are the upstream Host header without its port (the client's Host with
 * pass_host: pass, the node's with pass_host: node); nginx sends no SNI for an IP address.
 */
function tlsOptions(
  agents: UpstreamAgents,
  hostHeader: http.OutgoingHttpHeader | undefined,
): http.RequestOptions {
  const sslName =
    hostWithoutPort(
      typeof hostHeader === 'string' ? hostHeader : undefined,
    )?.replace(/^\[|\]$/g, '') ?? '';
  return {
    agent: agents.https,
    protocol: 'https:',
    servername:
      agents.tls.sendServerName && sslName !== '' && net.isIP(sslName) === 0
        ? sslName
        : '',
    checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
      tls.checkServerIdentity(sslName, cert),
  } as http.RequestOptions;
}

function responseHeaders(
  upstreamRes: http.IncomingMessage,
  request: GatewayRequest,
): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(upstreamRes.headers);
  // Node hands us lower-case names; writing ours lower-case too avoids sending a header twice.
  for (const [name, value] of request.responseHeaderDefaults)
    headers[name.toLowerCase()] ??= value;
  for (const [name, value] of request.responseHeaders)
    headers[name.toLowerCase()] = value;
  return headers;
}

/** Headers every gateway-made response of this request carries (request id, quota). */
export function gatewayHeaders(request: GatewayRequest): [string, string][] {
  return [...request.responseHeaderDefaults, ...request.responseHeaders];
}

function upstreamPath(request: GatewayRequest): string {
  const args = request.args ? request.args : undefined;
  if (request.upstreamUri !== undefined) {
    if (args === undefined) return request.upstreamUri;
    return `${request.upstreamUri}${request.upstreamUri.includes('?') ? '&' : '?'}${args}`;
  }
  return args === undefined
    ? encodePath(request.uri)
    : `${encodePath(request.uri)}?${args}`;
}

function upstreamHeaders(
  request: GatewayRequest,
  passHost: 'pass' | 'node',
): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(request.headers);
  // nginx answers 100-continue itself and never forwards Expect.
  delete headers.expect;
  if (request.upstreamHost) headers.host = request.upstreamHost;
  else if (passHost === 'node') delete headers.host;
  const forwardedFor = request.headers['x-forwarded-for'];
  headers['x-real-ip'] = request.remoteAddr;
  headers['x-forwarded-for'] = forwardedFor
    ? `${String(forwardedFor)}, ${request.remoteAddr}`
    : request.remoteAddr;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-host'] ??= hostWithoutPort(request.headers.host) ?? '';
  headers['x-forwarded-port'] ??= String(request.serverPort);
  return headers;
}
