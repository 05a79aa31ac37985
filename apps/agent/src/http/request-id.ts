import type { Request } from 'express';

/** The path a problem body names as `instance`, without the query string (it may carry data). */
export function instanceOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.path;
}
