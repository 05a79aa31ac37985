import * as http from 'node:http';
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
  readonly connectTimeoutMs: number;
  /** Idle time allowed while sending the request or waiting for / reading the response. */
  readonly readTimeoutMs: number;
  readonly passHost: 'pass' | 'node';
}

// APISIX's defaults (proxy_connect/send/read_timeout 60s).
const DEFAULT_TIMEOUT_SECONDS = 60;

/** Compiles an upstream object; weights are honoured by repeating nodes in the rotation. */
export function createUpstream(config: UpstreamConfig, id: string): Upstream {
  const nodes = Array.isArray(config.nodes)
    ? config.nodes.map((node) => ({ host: node.host, port: node.port ?? 80, weight: node.weight }))
    : Object.entries(config.nodes).map(([address, weight]) => ({ ...splitAddress(address, id), weight }));
  const rotation = nodes.flatMap((node) => Array.from({ length: Math.min(node.weight, 100) }, () => node));
  if (rotation.length === 0) throw new GatewayConfigError(`upstream "${id}": no node with a positive weight`);
  let next = 0;
  return {
    id,
    pick() {
      const node = rotation[next];
      next = (next + 1) % rotation.length;
      return node;
    },
    connectTimeoutMs: (config.timeout?.connect ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    readTimeoutMs: Math.max(config.timeout?.read ?? DEFAULT_TIMEOUT_SECONDS, config.timeout?.send ?? 0) * 1000,
    passHost: config.pass_host,
  };
}

function splitAddress(address: string, id: string): UpstreamNode {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(address);
  if (!match) throw new GatewayConfigError(`upstream "${id}": invalid node address "${address}"`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 80 };
}

/** The keep-alive connection pool shared by all upstreams (nginx `keepalive` in apisix_backend). */
export function createUpstreamAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 320, scheduling: 'lifo' });
}
