import type { GatewayRequest } from '../plugins/plugin.types';
import { getQueryArg } from './request-path';

// The nginx/APISIX variables gateway-dev can evaluate (route `vars`, limit-count keys,
// proxy-rewrite values). Any other name is refused when the config is loaded.
const SIMPLE_VARS: Readonly<Record<string, (request: GatewayRequest) => string | undefined>> = {
  uri: (request) => request.uri,
  request_uri: (request) => request.requestUri,
  args: (request) => request.args,
  request_method: (request) => request.method,
  remote_addr: (request) => request.remoteAddr,
  consumer_name: (request) => request.consumerName,
  route_id: (request) => request.routeId,
  server_port: (request) => String(request.serverPort),
  host: (request) => hostWithoutPort(request.headers.host),
};

/** True when {@link getRequestVar} can evaluate the variable. */
export function isKnownVar(name: string): boolean {
  return name in SIMPLE_VARS || /^(http|arg)_[A-Za-z0-9_]+$/.test(name);
}

/** Evaluates one variable (`remote_addr`, `http_x_api_version`, `arg_page`…) for a request. */
export function getRequestVar(request: GatewayRequest, name: string): string | undefined {
  const simple = SIMPLE_VARS[name];
  if (simple) return simple(request);
  if (name.startsWith('http_')) {
    const value = request.headers[name.slice(5).replace(/_/g, '-').toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }
  if (name.startsWith('arg_')) return getQueryArg(request.args, name.slice(4));
  return undefined;
}

const VAR_REFERENCE = /\$(\w+)|\$\{(\w+)\}/g;

/** Names of the `$var` references in a template string. */
export function referencedVars(template: string): string[] {
  return [...template.matchAll(VAR_REFERENCE)].map((match) => match[1] ?? match[2]);
}

/** Replaces `$var` / `${var}` with their (optionally escaped) values, empty when unset, like core.utils.resolve_var. */
export function resolveVars(template: string, request: GatewayRequest, escape: (value: string) => string = (v) => v): string {
  if (!template.includes('$')) return template;
  return template.replace(VAR_REFERENCE, (_match, plain: string | undefined, braced: string | undefined) =>
    escape(getRequestVar(request, plain ?? braced ?? '') ?? ''),
  );
}

/** The host part of a Host header (`[::1]:80` -> `[::1]`). */
export function hostWithoutPort(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}
