import express from 'express';
import request from 'supertest';
import { createSystemRouter } from './system.routes';

function appWith(options: { draining?: boolean } = {}) {
  const readiness = jest.fn(async () => ({
    wallet: { ok: false, detail: 'the wallet is unreachable' },
  }));
  const app = express();
  app.use(
    createSystemRouter({
      backend: { readiness },
      version: '1.0.0',
      metricsHandler: (_req, res) => void res.end(),
      isDraining: () => options.draining ?? false,
    }),
  );
  return { app, readiness };
}

// ADR 0012: the kubelet probes /_system/ready?scope=self; a wallet or Vault outage must not take
// every agent out of its Service, so that probe never asks a dependency.
describe('agent readiness probe scope', () => {
  it('stays ready for the kubelet while the wallet is down, without calling it', async () => {
    const { app, readiness } = appWith();
    const res = await request(app).get('/_system/ready?scope=self').expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { process: { ok: true } },
    });
    expect(readiness).not.toHaveBeenCalled();
    // The full readiness still reports the dependency for operators and the local launcher.
    await request(app).get('/_system/ready').expect(503);
    expect(readiness).toHaveBeenCalledTimes(1);
  });

  it('is not ready while draining, with Retry-After', async () => {
    const res = await request(appWith({ draining: true }).app)
      .get('/_system/ready?scope=self')
      .expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.checks).toEqual({
      shutdown: { ok: false, detail: 'draining' },
    });
  });

  it('keeps liveness independent of every dependency', async () => {
    const { app, readiness } = appWith();
    await request(app).get('/_system/health').expect(200);
    expect(readiness).not.toHaveBeenCalled();
  });
});
