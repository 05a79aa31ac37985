import type { GatewayRequest } from '../plugins/plugin.types';
import { getQueryArg } from './request-path';

// The nginx/APISIX variables gateway-dev can evaluate (route `vars`, limit-count keys,
// proxy-rewrite values). Any other name is refused when the config is loaded.
const SIMPLE_VARS: Readonly<
  Record<string, (request: GatewayRequest) => string | undefined>
> = {
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
export function getRequestVar(
  request: GatewayRequest,
  name: string,
): string | undefined {
  const simple = SIMPLE_VARS[name];
  if (simple) return simple(request);
  if (name.startsWith('http_')) {
    const value =
      request.headers[name.slice(5).replace(/_/g, '-').toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }
  if (name.startsWith('arg_')) return getQueryArg(request.args, name.slice(4));
  return undefined;
}

// core.utils.resolve_var: `(?<!\\)\$(\{\s*([^}]+?)\s*\}|([\w\.]+))`, with `${name ?? default}`.
const VAR_REFERENCE = /(?<!\\)\$(?:\{\s*([^}]+?)\s*\}|([\w.]+))/g;
const DEFAULT_SEPARATOR = /\s*\?\?\s*/;

/** Names of the `$var` references in a template string. */
export function referencedVars(template: string): string[] {
  return [...template.matchAll(VAR_REFERENCE)].map(
    (match) => (match[1] ?? match[2]).split(DEFAULT_SEPARATOR)[0],
  );
}

/**
 * core.utils.resolve_var: replaces `$var` / `${var}` / `${var ?? default}` with their values
 * (optionally escaped); an unset variable without default becomes "". `resolved` counts the
 * references that had a value or a default (limit-count falls back to the client address
 * when it is 0).
 */
export function resolveVarsCounted(
  template: string,
  request: GatewayRequest,
  escape: (value: string) => string = (v) => v,
): { value: string; resolved: number } {
  let resolved = 0;
  if (!template.includes('$')) return { value: template, resolved };
  const value = template.replace(
    VAR_REFERENCE,
    (_match, braced: string | undefined, plain: string | undefined) => {
      const [name, ...fallback] = (braced ?? plain ?? '').split(
        DEFAULT_SEPARATOR,
      );
      let found = getRequestVar(request, name);
      if (found === undefined) {
        if (fallback.length === 0) return '';
        found = fallback[0];
      }
      resolved += 1;
      return escape(found);
    },
  );
  return { value, resolved };
}

/** {@link resolveVarsCounted} without the count. */
export function resolveVars(
  template: string,
  request: GatewayRequest,
  escape: (value: string) => string = (v) => v,
): string {
  return resolveVarsCounted(template, request, escape).value;
}

/** The host part of a Host header (`[::1]:80` -> `[::1]`). */
export function hostWithoutPort(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  return host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1)
    : host.split(':')[0];
}
