/**
 * A tiny path router for backends (Vault's framework.Path): a regex per path and a
 * handler per operation. `write` covers create and update, which Vault routes to one
 * callback unless an existence check splits them.
 */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type Operation,
} from '../../core/backend';
import { withUnknownFieldsWarning } from '../../core/util/unknown-fields';

export type RouteHandler = (
  req: BackendRequest,
  params: string[],
) => Promise<BackendResponse> | BackendResponse;

export interface Route {
  pattern: RegExp;
  ops: Partial<Record<Operation | 'write', RouteHandler>>;
  /**
   * The fields the path declares (Vault's framework.Path Fields). On writes, body keys outside
   * it earn Vault's "Endpoint ignored these unrecognized parameters" warning on a non-204
   * answer. Absent = the path takes arbitrary input (no warning).
   */
  fields?: readonly string[] | ((params: string[]) => readonly string[]);
}

/** Go multierror text, which Vault uses for routing errors (hashicorp/go-multierror). */
export function multiError(message: string): string {
  return `1 error occurred:\n\t* ${message}\n\n`;
}

/** Dispatches a request to the first route whose pattern matches the path (trailing `/` ignored). */
export function createRouteTable(
  routes: Route[],
): (req: BackendRequest) => Promise<BackendResponse> {
  return async (req) => {
    const path = req.path.replace(/\/+$/, '');
    for (const route of routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      const isWrite = req.operation === 'create' || req.operation === 'update';
      const handler =
        route.ops[req.operation] ?? (isWrite ? route.ops.write : undefined);
      if (!handler)
        throw new VaultError(405, [multiError('unsupported operation')]);
      const params = match.slice(1);
      const res = await handler(req, params);
      if (!isWrite || !route.fields) return res;
      const known =
        typeof route.fields === 'function'
          ? route.fields(params)
          : route.fields;
      return withUnknownFieldsWarning(res, req.data, known);
    }
    throw new VaultError(404, [multiError('unsupported path')]);
  };
}

/** The nil-response 404 (`{"errors":[]}`) of reads and empty lists. */
export function notFound(): never {
  throw new VaultError(404, []);
}

/** A LIST answer; Vault turns an empty key list into a 404. */
export function listResponse(
  keys: string[],
  keyInfo?: Record<string, unknown>,
): BackendResponse {
  if (keys.length === 0) notFound();
  return {
    kind: 'data',
    data: keyInfo ? { keys, key_info: keyInfo } : { keys },
  };
}

export const SEGMENT = '([^/]+)';
