import type { IncomingHttpHeaders } from 'node:http';
import type { Tracer } from '@opentelemetry/api';

/**
 * One request on its way through a route: what the plugins read and change before it is
 * proxied. Field names follow the nginx/APISIX variables they stand for.
 */
export interface GatewayRequest {
  readonly method: string;
  /** `$request_uri`: as received. */
  readonly requestUri: string;
  /** `$uri`: normalised path the route matched. */
  readonly uri: string;
  /** `$args`: raw query string; key-auth may remove its argument. */
  args: string | undefined;
  /** Headers for the upstream request (lower-case names); plugins edit them. */
  readonly headers: IncomingHttpHeaders;
  /** Headers added to the response, whoever produces it. */
  readonly responseHeaders: Map<string, string>;
  /** Response headers added only when the upstream did not send the same header. */
  readonly responseHeaderDefaults: Map<string, string>;
  routeId: string;
  readonly remoteAddr: string;
  readonly serverPort: number;
  consumerName: string | undefined;
  /** Path (encoded, may carry its own `?query`) set by proxy-rewrite. */
  upstreamUri: string | undefined;
  upstreamMethod: string | undefined;
  /** Host header for the upstream set by proxy-rewrite; wins over the upstream's pass_host. */
  upstreamHost: string | undefined;
  /** Called once with the final status when the response is finished or aborted. */
  readonly onResponse: Array<(status: number) => void>;
}

/** A plugin stopping the request (APISIX core.response.exit): status and optional body. */
export interface PluginExit {
  readonly status: number;
  /** An object is sent as JSON plus a newline; no body means nginx's error page. */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export type PluginPhase = 'rewrite' | 'access';

/** A configured plugin instance on one route. */
export interface RoutePlugin {
  readonly name: string;
  readonly priority: number;
  readonly phase: PluginPhase;
  handle(request: GatewayRequest): PluginExit | undefined;
}

/** What every plugin factory may use besides its own configuration. */
export interface PluginContext {
  readonly routeId: string;
  readonly consumers: ConsumerDirectory;
  /** Milliseconds since the epoch; injectable so rate-limit tests need no sleeping. */
  readonly now: () => number;
  /** Set when spans are exported (OTEL_EXPORTER_OTLP_ENDPOINT); the opentelemetry plugin then records real spans. */
  readonly tracer?: Tracer;
}

/** Consumers by credential, built once from the `consumers` section. */
export interface ConsumerDirectory {
  findByKey(key: string): ConsumerIdentity | undefined;
}

export interface ConsumerIdentity {
  readonly username: string;
  readonly customId: string | undefined;
}
