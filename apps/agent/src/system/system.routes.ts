import {
  AGENT_ROUTES,
  HealthSchema,
  ReadinessSchema,
  toExpressPath,
  type Readiness,
} from '@secret-flows/contracts';
import { Router, type RequestHandler } from 'express';
import type { SecretBackend } from '../backend/secret-backend';
import { sendValid } from '../http/respond';

export interface SystemRoutesDeps {
  backend: Pick<SecretBackend, 'readiness'>;
  version: string;
  metricsHandler: RequestHandler;
  /** Seconds a load balancer should wait before probing again when not ready. */
  notReadyRetryAfterSeconds?: number;
  /** True once SIGTERM started the drain: readiness fails so no new traffic is routed here. */
  isDraining?: () => boolean;
}

/**
 * GET /_system/health (liveness), /_system/ready (dependencies), /_system/metrics (Prometheus).
 * `/_system/ready?scope=self` is the kubelet's readiness probe (ADR 0012): it asks no dependency
 * and fails only while this process drains, so a slow or failed wallet or Vault never takes every
 * agent out of its Service; requests then get 503 + Retry-After from a ready agent.
 */
export function createSystemRouter(deps: SystemRoutesDeps): Router {
  const router = Router();
  router.get(toExpressPath(AGENT_ROUTES.health), (_req, res) => {
    sendValid(res, 200, HealthSchema, { status: 'ok', version: deps.version });
  });
  router.get(toExpressPath(AGENT_ROUTES.ready), async (req, res) => {
    const selfOnly = req.query.scope === 'self';
    const checks = deps.isDraining?.()
      ? { shutdown: { ok: false, detail: 'draining' } }
      : selfOnly
        ? { process: { ok: true } }
        : await deps.backend.readiness();
    const isReady = Object.values(checks).every((check) => check.ok);
    const body: Readiness = { status: isReady ? 'ready' : 'not_ready', checks };
    if (!isReady)
      res.setHeader('Retry-After', String(deps.notReadyRetryAfterSeconds ?? 1));
    res.setHeader('Cache-Control', 'no-store');
    sendValid(res, isReady ? 200 : 503, ReadinessSchema, body);
  });
  router.get(toExpressPath(AGENT_ROUTES.metrics), deps.metricsHandler);
  return router;
}
