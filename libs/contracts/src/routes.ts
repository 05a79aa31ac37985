import { z } from 'zod';
import type { ErrorCode } from './problem';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/**
 * Who may call a route: `none` (probes), `tenant` (apikey at the gateway, plus the tenant JWT in
 * phases 3-4), `admin` (x-admin-api-key), `service` (agent service token only) and
 * `service+tenant` (agent service token and the tenant JWT).
 */
export type RouteAuth =
  | 'none'
  | 'tenant'
  | 'admin'
  | 'service'
  | 'service+tenant';

export interface ExtraResponse {
  status: number;
  description: string;
  schema: z.ZodType;
}

/** One HTTP operation: enough to validate it at runtime and to generate its OpenAPI entry. */
export interface RouteContract {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/keys/{id}`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success status; 204 routes have no response schema. */
  status: number;
  response?: z.ZodType;
  /** Media type of a non-JSON success body (the metrics endpoint). */
  responseContentType?: string;
  /** Path parameters that may span several segments (secret names contain '/'). */
  multiSegmentParams?: readonly string[];
  /** Problem codes this operation may answer with, besides `internal`. */
  errors: readonly ErrorCode[];
  extraResponses?: readonly ExtraResponse[];
}

/** Converts an OpenAPI path template to an Express 5 route path (`{id}` -> `:id`, multi-segment -> `*name`). */
export function toExpressPath(
  route: Pick<RouteContract, 'path' | 'multiSegmentParams'>,
): string {
  const multi = new Set(route.multiSegmentParams ?? []);
  return route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) =>
    multi.has(name) ? `*${name}` : `:${name}`,
  );
}

/** Joins an Express 5 wildcard parameter (an array of segments) back into one string. */
export function joinMultiSegmentParam(
  value: string | string[] | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join('/') : value;
}

/** Renders a path template with concrete parameters, percent-encoding each segment. */
export function buildPath(
  template: string,
  params: Record<string, string> = {},
): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return value.split('/').map(encodeURIComponent).join('/');
  });
}
