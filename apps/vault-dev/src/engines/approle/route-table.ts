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

export type RouteHandler = (
  req: BackendRequest,
  params: string[],
) => Promise<BackendResponse> | BackendResponse;

export interface Route {
  pattern: RegExp;
  ops: Partial<Record<Operation | 'write', RouteHandler>>;
}

/** Go multierror text, which Vault uses for routing errors (reference §1.5). */
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
      return handler(req, match.slice(1));
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
