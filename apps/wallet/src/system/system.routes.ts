import { Router, type RequestHandler } from 'express';
import { WALLET_ROUTES, type Readiness } from '@secret-flows/contracts';

export interface ReadinessProbe {
  /** Checks the dependencies now; never throws. */
  check(): Promise<Readiness>;
  /** This pod's own state only, from what it already knows: no network call, no login (ADR 0012). */
  checkSelf?(): Readiness;
}

/** Seconds a client should wait before asking a not-ready wallet again. */
const NOT_READY_RETRY_AFTER_SECONDS = 1;

/**
 * Probes and metrics: `/_system/health` (the process is up), `/_system/ready` (Vault reachable
 * and the wallet's token valid; the body says which check failed), `/_system/metrics`.
 * `/_system/ready?scope=self` is the kubelet's readiness probe (ADR 0012): ready once this wallet
 * has logged in, whatever Vault does afterwards, so an outage never empties the Service; the
 * tenant calls then answer 503 + Retry-After.
 * @example app.use(createSystemRouter({ version, readiness, metricsHandler }))
 */
export function createSystemRouter(deps: {
  version: string;
  readiness: ReadinessProbe;
  metricsHandler: RequestHandler;
}): Router {
  const router = Router();
  router.get(WALLET_ROUTES.health.path, (_req, res) => {
    res.json({ status: 'ok', version: deps.version });
  });
  router.get(WALLET_ROUTES.ready.path, async (req, res) => {
    const self =
      req.query.scope === 'self' ? deps.readiness.checkSelf?.() : undefined;
    const readiness = self ?? (await deps.readiness.check());
    res.setHeader('Cache-Control', 'no-store');
    if (readiness.status !== 'ready')
      res.setHeader('Retry-After', String(NOT_READY_RETRY_AFTER_SECONDS));
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });
  router.get(WALLET_ROUTES.metrics.path, deps.metricsHandler);
  return router;
}
