import * as http from 'node:http';
import type { GatewayRequest } from '../plugins/plugin.types';
import { encodePath } from '../routing/request-path';
import { sendExit } from './exit-responses';
import { withoutHopByHop } from './hop-by-hop';
import type { Upstream } from './upstream';

/** Where upstream failures are reported (never with headers or bodies: they carry secrets). */
export interface ProxyLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Proxies one request: body streamed both ways over keep-alive connections, hop-by-hop
 * headers dropped, X-Real-IP / X-Forwarded-* set as APISIX's nginx template does, plugin
 * response headers added. A refused or reset connection is a 502, a timeout a 504.
 */
export function createForwarder(options: { agent: http.Agent; logger: ProxyLogger }) {
  return function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    request: GatewayRequest,
    upstream: Upstream,
  ): void {
    const node = upstream.pick();
    const upstreamReq = http.request({
      agent: options.agent,
      host: node.host,
      port: node.port,
      method: request.upstreamMethod ?? request.method,
      path: upstreamPath(request),
      headers: upstreamHeaders(request, node, upstream.passHost),
    });
    let failed = false;
    const fail = (status: 502 | 504, reason: string) => {
      if (failed) return;
      failed = true;
      options.logger.warn({ route: request.routeId, upstream: upstream.id, status, reason }, 'upstream request failed');
      upstreamReq.destroy();
      if (res.headersSent) res.destroy();
      else sendExit(res, status, { headers: gatewayHeaders(request) });
    };

    upstreamReq.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => fail(504, 'connect timeout'), upstream.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    upstreamReq.setTimeout(upstream.readTimeoutMs, () => fail(504, 'read timeout'));
    upstreamReq.on('error', (error: NodeJS.ErrnoException) => fail(502, error.code ?? error.message));
    upstreamReq.on('response', (upstreamRes) => {
      const headers = withoutHopByHop(upstreamRes.headers);
      for (const [name, value] of request.responseHeaderDefaults) {
        if (headers[name.toLowerCase()] === undefined) headers[name] = value;
      }
      for (const [name, value] of request.responseHeaders) headers[name] = value;
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });

    // A client that goes away must not leave the upstream request running.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    req.on('error', () => upstreamReq.destroy());
    req.pipe(upstreamReq);
  };
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
  return args === undefined ? encodePath(request.uri) : `${encodePath(request.uri)}?${args}`;
}

function upstreamHeaders(
  request: GatewayRequest,
  node: { host: string; port: number },
  passHost: 'pass' | 'node',
): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(request.headers);
  if (passHost === 'node') headers.host = node.port === 80 ? node.host : `${node.host}:${node.port}`;
  const forwardedFor = request.headers['x-forwarded-for'];
  headers['x-real-ip'] = request.remoteAddr;
  headers['x-forwarded-for'] = forwardedFor ? `${String(forwardedFor)}, ${request.remoteAddr}` : request.remoteAddr;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-host'] ??= String(request.headers.host ?? '').split(':')[0];
  headers['x-forwarded-port'] ??= String(request.serverPort);
  return headers;
}
