import type { Request } from 'express';

/**
 * The route template that matched a request (`/secrets/*name`), never the concrete path: paths
 * carry secret names and ids, and unbounded label values would blow up the metrics.
 */
export function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string')
    return `${req.baseUrl ?? ''}${route.path}`;
  return 'unmatched';
}
