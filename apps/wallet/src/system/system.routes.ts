import { Router, type RequestHandler } from 'express';
import { WALLET_ROUTES, type Readiness } from '@secret-flows/contracts';

export interface ReadinessProbe {
  /** Checks the dependencies now; never throws. */
  check(): Promise<Readiness>;
}

/**
 * Probes and metrics: `/_system/health` (the process is up), `/_system/ready` (Vault reachable
 * and the wallet's token valid; the body says which check failed), `/_system/metrics`.
 * @example app.use(createSystemRouter({ version, readiness, metricsHandler }))
 */
export function createSystemRouter(deps: { version: string; readiness: ReadinessProbe; metricsHandler: RequestHandler }): Router {
  const router = Router();
  router.get(WALLET_ROUTES.health.path, (_req, res) => {
    res.json({ status: 'ok', version: deps.version });
  });
  router.get(WALLET_ROUTES.ready.path, async (_req, res) => {
    const readiness = await deps.readiness.check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });
  router.get(WALLET_ROUTES.metrics.path, deps.metricsHandler);
  return router;
}
