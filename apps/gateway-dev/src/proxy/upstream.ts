import * as http from 'node:http';
import * as https from 'node:https';
import type { UpstreamTlsSettings } from '../standalone/node-config';
import type { UpstreamConfig } from '../standalone/standalone-schema';
import { GatewayConfigError } from '../standalone/config-error';

/** One upstream node. */
export interface UpstreamNode {
  readonly host: string;
  readonly port: number;
}

/** A compiled upstream: round-robin over its nodes, with nginx-style timeouts. */
export interface Upstream {
  readonly id: string;
  pick(): UpstreamNode;
  readonly scheme: 'http' | 'https';
  readonly connectTimeoutMs: number;
  /** Idle time allowed while sending the request or waiting for / reading the response. */
  readonly readTimeoutMs: number;
  readonly passHost: 'pass' | 'node';
  /**
   * Set when APISIX would not have this upstream (dropped by its schema, or an upstream_id that
   * names nothing): apisix/init.lua `handle_upstream` then answers 502 after the plugins ran.
   */
  readonly missingReason?: string;
}

// APISIX's defaults (proxy_connect/send/read_timeout 60s).
const DEFAULT_TIMEOUT_SECONDS = 60;
// apisix/upstream.lua scheme_to_port: a node without a port uses its scheme's port.
const SCHEME_PORT = { http: 80, https: 443 } as const;

/** Compiles an upstream object; weights are honoured by repeating nodes in the rotation. */
export function createUpstream(config: UpstreamConfig, id: string): Upstream {
  const defaultPort = SCHEME_PORT[config.scheme];
  const nodes = Array.isArray(config.nodes)
    ? config.nodes.map((node) => ({
        host: node.host,
        port: node.port ?? defaultPort,
        weight: node.weight,
      }))
    : Object.entries(config.nodes).map(([address, weight]) => ({
        ...splitAddress(address, id, defaultPort),
        weight,
      }));
  const rotation = nodes.flatMap((node) =>
    Array.from({ length: Math.min(node.weight, 100) }, () => node),
  );
  if (rotation.length === 0)
    throw new GatewayConfigError(
      `upstream "${id}": no node with a positive weight`,
    );
  let next = 0;
  return {
    id,
    pick() {
      const node = rotation[next];
      next = (next + 1) % rotation.length;
      return node;
    },
    scheme: config.scheme,
    connectTimeoutMs:
      (config.timeout?.connect ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    readTimeoutMs:
      Math.max(
        config.timeout?.read ?? DEFAULT_TIMEOUT_SECONDS,
        config.timeout?.send ?? 0,
      ) * 1000,
    passHost: config.pass_host,
  };
}

/** An upstream APISIX would not have: every request that reaches it is answered 502. */
export function createMissingUpstream(id: string, reason: string): Upstream {
  return {
    id,
    pick() {
      throw new Error(`upstream "${id}" is missing: ${reason}`);
    },
    scheme: 'http',
    connectTimeoutMs: 0,
    readTimeoutMs: 0,
    passHost: 'pass',
    missingReason: reason,
  };
}

/** The Host header APISIX sends with pass_host: node (balancer.lua parse_server_for_upstream_host). */
export function nodeHostHeader(
  node: UpstreamNode,
  scheme: 'http' | 'https',
): string {
  const host =
    node.host.includes(':') && !node.host.startsWith('[')
      ? `[${node.host}]`
      : node.host;
  return node.port === SCHEME_PORT[scheme] ? host : `${host}:${node.port}`;
}

function splitAddress(
  address: string,
  id: string,
  defaultPort: number,
): UpstreamNode {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(address);
  if (!match)
    throw new GatewayConfigError(
      `upstream "${id}": invalid node address "${address}"`,
    );
  return {
    host: match[1].replace(/^\[|\]$/g, ''),
    port: match[2] ? Number(match[2]) : defaultPort,
  };
}

/** Keep-alive connection pools shared by all upstreams (nginx `keepalive` in apisix_backend). */
export interface UpstreamAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  readonly tls: UpstreamTlsSettings;
  destroy(): void;
}

/** Node's default: no verification unless the node configuration turns it on, as nginx. */
export const DEFAULT_UPSTREAM_TLS: UpstreamTlsSettings = {
  verify: false,
  ca: undefined,
  sendServerName: true,
};

/**
 * One pool per scheme. The https pool trusts `ssl_trusted_certificate` only (or Node's root
 * store for "system") and verifies only when `proxy_ssl_verify on` (see node-config.ts).
 */
export function createUpstreamAgents(
  tls: UpstreamTlsSettings = DEFAULT_UPSTREAM_TLS,
): UpstreamAgents {
  const pool = {
    keepAlive: true,
    keepAliveMsecs: 1000,
    maxFreeSockets: 320,
    scheduling: 'lifo',
  } as const;
  const httpAgent = new http.Agent(pool);
  const httpsAgent = new https.Agent({
    ...pool,
    ca: tls.ca,
    rejectUnauthorized: tls.verify,
  });
  return {
    http: httpAgent,
    https: httpsAgent,
    tls,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
