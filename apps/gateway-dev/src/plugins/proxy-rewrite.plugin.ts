import { z } from 'zod';
import { encodePath } from '../routing/request-path';
import { compileRegex } from '../routing/route-matcher';
import {
  isKnownVar,
  referencedVars,
  resolveVars,
} from '../routing/request-vars';
import { notImplemented, parsePluginConfig } from './plugin-config';
import type {
  GatewayRequest,
  PluginContext,
  RoutePlugin,
} from './plugin.types';

const headerValues = z.record(
  z.string(),
  z.union([z.string(), z.number()]).transform(String),
);

const proxyRewriteSchema = z.strictObject({
  uri: z.string().startsWith('/').optional(),
  regex_uri: z
    .array(z.string())
    .min(2)
    .refine(
      (pairs) => pairs.length % 2 === 0,
      'regex_uri needs [pattern, replacement] pairs',
    )
    .optional(),
  method: z
    .enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'])
    .optional(),
  host: z.string().min(1).optional(),
  headers: z
    .union([
      z.strictObject({
        add: headerValues.optional(),
        set: headerValues.optional(),
        remove: z.array(z.string()).optional(),
      }),
      headerValues,
    ])
    .optional(),
  use_real_request_uri_unsafe: z.literal(false).default(false),
});

type HeaderOps = {
  add: [string, string][];
  set: [string, string][];
  remove: string[];
};

/**
 * APISIX proxy-rewrite: `uri` wins over `regex_uri` (first matching pair, first occurrence,
 * applied to the normalised `$uri`); the result is re-encoded and the query string appended;
 * header operations run add, then set, then remove; `$var` references are resolved.
 */
export function createProxyRewritePlugin(
  config: unknown,
  context: PluginContext,
): RoutePlugin {
  const conf = parsePluginConfig(proxyRewriteSchema, config, {
    routeId: context.routeId,
    plugin: 'proxy-rewrite',
  });
  const label = `route "${context.routeId}": plugin "proxy-rewrite"`;
  const rules = pairs(conf.regex_uri ?? []).map(([pattern, replacement]) => ({
    pattern: compileRegex(label, pattern),
    // ngx.re.sub writes the whole match as $0; JavaScript calls it $&.
    replacement: replacement
      .replace(/\$\{?0\}?/g, '$$&')
      .replace(/\$\{(\d+)\}/g, '$$$1'),
  }));
  const ops = headerOps(conf.headers);
  for (const template of [
    conf.uri ?? '',
    ...ops.add.map(([, v]) => v),
    ...ops.set.map(([, v]) => v),
  ]) {
    for (const name of referencedVars(template)) {
      if (!isKnownVar(name))
        throw notImplemented(
          context.routeId,
          'proxy-rewrite',
          `variable "$${name}"`,
        );
    }
  }

  // apisix/plugins/proxy-rewrite.lua `rewrite`: `uri` resolves its $vars with any `?` in their
  // values escaped to %3F, so only a `?` written in the template separates a query; `regex_uri`
  // runs on the decoded $uri, and a `?` in the result separates a query only when $uri itself
  // had none (a client's %3F must stay part of the path).
  const rewriteUri = (
    request: GatewayRequest,
  ): { uri: string; isSeparatorEscaped: boolean } | undefined => {
    if (conf.uri !== undefined) {
      return {
        uri: resolveVars(conf.uri, request, escapeSeparator),
        isSeparatorEscaped: true,
      };
    }
    for (const rule of rules) {
      if (rule.pattern.test(request.uri)) {
        return {
          uri: request.uri.replace(rule.pattern, rule.replacement),
          isSeparatorEscaped: !request.uri.includes('?'),
        };
      }
    }
    return undefined;
  };

  return {
    name: 'proxy-rewrite',
    priority: 1008,
    phase: 'rewrite',
    handle(request: GatewayRequest) {
      const rewritten = rewriteUri(request);
      if (rewritten !== undefined) {
        const queryAt = rewritten.isSeparatorEscaped
          ? rewritten.uri.indexOf('?')
          : -1;
        // core.utils.uri_safe_encode before the `?`, escape_uri_control_chars after it.
        request.upstreamUri =
          queryAt === -1
            ? encodePath(rewritten.uri)
            : encodePath(rewritten.uri.slice(0, queryAt)) +
              escapeControlChars(rewritten.uri.slice(queryAt));
      }
      if (conf.method) request.upstreamMethod = conf.method;
      if (conf.host) request.upstreamHost = conf.host;
      applyHeaderOps(ops, request);
      return undefined;
    },
  };
}

const escapeSeparator = (value: string) => value.replace(/\?/g, '%3F');

// core.utils.escape_uri_control_chars: 0x00-0x1F and 0x7F percent-encoded, nothing else.
const escapeControlChars = (value: string) =>
  value.replace(
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f]/g,
    (char) =>
      `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );

function applyHeaderOps(ops: HeaderOps, request: GatewayRequest): void {
  for (const [name, value] of ops.add) {
    const existing = request.headers[name];
    const resolved = resolveVars(value, request);
    request.headers[name] =
      existing === undefined
        ? resolved
        : [...[existing].flat(), resolved].join(', ');
  }
  for (const [name, value] of ops.set)
    request.headers[name] = resolveVars(value, request);
  for (const name of ops.remove) delete request.headers[name];
}

function headerOps(
  headers: z.infer<typeof proxyRewriteSchema>['headers'],
): HeaderOps {
  const lower = (record: Record<string, string> | undefined) =>
    Object.entries(record ?? {}).map(([name, value]): [string, string] => [
      name.toLowerCase(),
      value,
    ]);
  if (headers === undefined) return { add: [], set: [], remove: [] };
  if (isStructured(headers)) {
    return {
      add: lower(headers.add),
      set: lower(headers.set),
      remove: (headers.remove ?? []).map((n) => n.toLowerCase()),
    };
  }
  // The older flat form `headers: {Name: value}` means "set".
  return { add: [], set: lower(headers), remove: [] };
}

function isStructured(
  headers: NonNullable<z.infer<typeof proxyRewriteSchema>['headers']>,
): headers is {
  add?: Record<string, string>;
  set?: Record<string, string>;
  remove?: string[];
} {
  const keys = Object.keys(headers);
  return (
    keys.length > 0 &&
    keys.every((key) => key === 'add' || key === 'set' || key === 'remove')
  );
}

function pairs(values: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let index = 0; index + 1 < values.length; index += 2)
    result.push([values[index], values[index + 1]]);
  return result;
}
