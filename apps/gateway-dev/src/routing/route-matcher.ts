import { GatewayConfigError } from '../standalone/config-error';
import type { RouteVar } from '../standalone/standalone-schema';
import type { GatewayRequest } from '../plugins/plugin.types';
import { getRequestVar, isKnownVar } from './request-vars';

/** What the matcher needs to know about a compiled route. */
export interface MatchableRoute {
  readonly id: string;
  readonly uris: readonly string[];
  readonly methods?: readonly string[];
  readonly priority: number;
  readonly vars?: readonly RouteVar[];
}

interface Candidate<R> {
  readonly route: R;
  readonly prefix: string;
  readonly priority: number;
  readonly methods: ReadonlySet<string> | undefined;
  readonly matchesVars: (request: GatewayRequest) => boolean;
}

/**
 * Builds a matcher with APISIX's radixtree_uri order: an exact uri before any prefix, a
 * longer prefix (`/a/b/*`) before a shorter one, then higher `priority`; methods and `vars`
 * filter candidates in that order.
 */
export function createRouteMatcher<R extends MatchableRoute>(
  routes: readonly R[],
) {
  const exact = new Map<string, Candidate<R>[]>();
  const prefixes: Candidate<R>[] = [];
  for (const route of routes) {
    for (const uri of route.uris) {
      const candidate = compileCandidate(route, uri);
      if (uri.endsWith('*')) {
        prefixes.push(candidate);
      } else {
        exact.set(uri, [...(exact.get(uri) ?? []), candidate]);
      }
    }
  }
  const byPriority = (a: Candidate<R>, b: Candidate<R>) =>
    b.priority - a.priority;
  for (const list of exact.values()) list.sort(byPriority);
  prefixes.sort(
    (a, b) => b.prefix.length - a.prefix.length || byPriority(a, b),
  );

  const accepts = (candidate: Candidate<R>, request: GatewayRequest) =>
    (!candidate.methods || candidate.methods.has(request.method)) &&
    candidate.matchesVars(request);

  return {
    /** The route serving this request, or undefined (APISIX's 404 Route Not Found). */
    match(request: GatewayRequest): R | undefined {
      for (const candidate of exact.get(request.uri) ?? []) {
        if (accepts(candidate, request)) return candidate.route;
      }
      for (const candidate of prefixes) {
        if (
          request.uri.startsWith(candidate.prefix) &&
          accepts(candidate, request)
        )
          return candidate.route;
      }
      return undefined;
    },
  };
}

function compileCandidate<R extends MatchableRoute>(
  route: R,
  uri: string,
): Candidate<R> {
  const body = uri.endsWith('*') ? uri.slice(0, -1) : uri;
  if (body.includes('*') || /\/:/.test(body)) {
    throw new GatewayConfigError(
      `route "${route.id}": uri "${uri}" uses parameters or an inner "*", which gateway-dev does not implement`,
    );
  }
  const tests = (route.vars ?? []).map((expression) =>
    compileVar(route.id, expression),
  );
  return {
    route,
    prefix: body,
    priority: route.priority,
    methods: route.methods ? new Set(route.methods) : undefined,
    matchesVars: (request) => tests.every((test) => test(request)),
  };
}

// lua-resty-expr operators; the regex ones run as ngx.re.find with "jo" (and "i" for ~*).
function compileVar(
  routeId: string,
  [name, operator, operand]: RouteVar,
): (request: GatewayRequest) => boolean {
  if (!isKnownVar(name)) {
    throw new GatewayConfigError(
      `route "${routeId}": vars: variable "${name}" is not implemented by gateway-dev`,
    );
  }
  const expected = String(operand);
  switch (operator) {
    case '==':
      return (request) => getRequestVar(request, name) === expected;
    case '~=':
      return (request) => getRequestVar(request, name) !== expected;
    case '~~':
    case '~*': {
      const pattern = compileRegex(
        routeId,
        expected,
        operator === '~*' ? 'i' : '',
      );
      return (request) => pattern.test(getRequestVar(request, name) ?? '');
    }
    default:
      throw new GatewayConfigError(
        `route "${routeId}": vars: operator "${operator}" is not implemented by gateway-dev`,
      );
  }
}

/** Compiles a PCRE pattern from the config as a JavaScript RegExp, refusing what JS cannot read. */
export function compileRegex(
  where: string,
  pattern: string,
  flags = '',
): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new GatewayConfigError(
      `${where}: invalid regular expression "${pattern}": ${(error as Error).message}`,
    );
  }
}
