import type { Request, Response, Router } from 'express';
import {
  joinMultiSegmentParam,
  parseOrThrow,
  toExpressPath,
  type RouteContract,
} from '@secret-flows/contracts';
import { requestIdOf } from '@secret-flows/telemetry';
import type { Audit } from '../audit/audit';
import { tenantOf, type TenantPrincipal } from '../auth/auth.middleware';

export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  tenant: TenantPrincipal;
  requestId: string;
  /** Aborted when the caller goes away before the answer is sent: its work stops (Vault calls too). */
  signal: AbortSignal;
}

export interface RouteResult {
  body?: unknown;
  /** What the audit line names (never a value). */
  audit?: { keyId?: string; secretName?: string };
}

/**
 * Mounts one tenant operation from its contract: path, method and success status come from
 * libs/contracts, params/query/body are validated by its schemas, and every call — success or
 * failure — produces one audit event.
 * @example mountTenantRoute(router, WALLET_ROUTES.getKey, audit, async ({ params }) => ({ body: ... }))
 */
export function mountTenantRoute(
  router: Router,
  route: RouteContract,
  audit: Audit,
  handler: (input: RouteInput) => Promise<RouteResult>,
): void {
  router[route.method](
    toExpressPath(route),
    async (req: Request, res: Response) => {
      const tenant = tenantOf(res);
      const requestId = requestIdOf(res);
      const params = collectParams(req, route);
      const controller = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished)
          controller.abort(new Error('the caller closed the connection'));
      });
      const event = {
        tenantId: tenant.tenantId,
        operation: route.operationId,
        requestId,
        ...auditTarget(params),
      };
      try {
        const input: RouteInput = {
          params: route.params ? parseOrThrow(route.params, params) : params,
          query: route.query ? parseOrThrow(route.query, req.query) : {},
          body: route.body
            ? parseOrThrow(route.body, req.body ?? {})
            : undefined,
          tenant,
          requestId,
          signal: controller.signal,
        };
        const result = await handler(input);
        audit.record({ ...event, ...result.audit }, 'ok');
        res.setHeader('Cache-Control', 'no-store');
        if (route.status === 204 || result.body === undefined)
          res.status(route.status).end();
        else res.status(route.status).json(result.body);
      } catch (error) {
        audit.record(event, { error });
        throw error;
      }
    },
  );
}

function collectParams(
  req: Request,
  route: RouteContract,
): Record<string, unknown> {
  const multi = new Set(route.multiSegmentParams ?? []);
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(
    req.params as Record<string, string | string[]>,
  )) {
    params[name] = multi.has(name) ? joinMultiSegmentParam(value) : value;
  }
  return params;
}

function auditTarget(params: Record<string, unknown>): {
  keyId?: string;
  secretName?: string;
} {
  const target: { keyId?: string; secretName?: string } = {};
  if (typeof params['id'] === 'string') target.keyId = params['id'];
  if (typeof params['name'] === 'string') target.secretName = params['name'];
  return target;
}
