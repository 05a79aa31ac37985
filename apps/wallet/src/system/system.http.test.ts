import express from 'express';
import request from 'supertest';
import { createSystemRouter } from './system.routes';
import { createHarness } from '../../test/http-harness';

describe('wallet /_system', () => {
  it('reports liveness with the version, without credentials', async () => {
    const res = await request(createHarness().app).get('/_system/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: '1.2.3' });
  });

  it('reports ready with 200 when every check passes', async () => {
    const res = await request(createHarness().app).get('/_system/ready');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });

  it('reports not ready with 503 and says why', async () => {
    const readiness = {
      status: 'not_ready' as const,
      checks: { vault: { ok: false, detail: 'Vault is sealed' } },
    };
    const res = await request(createHarness({ readiness }).app).get(
      '/_system/ready',
    );
    expect(res.status).toBe(503);
    expect(res.body).toEqual(readiness);
  });

  it('serves Prometheus metrics including request counts by route template', async () => {
    const h = createHarness();
    await h.as().put('/v1/secrets/some/name').send({ value: 'v' });
    const res = await request(h.app).get('/_system/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('http_request_duration_seconds');
    expect(res.text).toContain('audit_events_total');
    expect(res.text).not.toContain('some/name');
  });
});

describe('wallet /_system/ready?scope=self (the kubelet probe, ADR 0012)', () => {
  it('answers from checkSelf without running the Vault checks, with Retry-After when not ready', async () => {
    const check = jest.fn(async () => ({
      status: 'not_ready' as const,
      checks: { vault: { ok: false } },
    }));
    let self: 'ready' | 'not_ready' = 'ready';
    const app = express().use(
      createSystemRouter({
        version: '1',
        readiness: {
          check,
          checkSelf: () => ({
            status: self,
            checks: { credentials: { ok: self === 'ready' } },
          }),
        },
        metricsHandler: (_req, res) => void res.end(),
      }),
    );
    expect((await request(app).get('/_system/ready?scope=self')).status).toBe(
      200,
    );
    expect(check).not.toHaveBeenCalled();
    self = 'not_ready';
    const res = await request(app).get('/_system/ready?scope=self');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect((await request(app).get('/_system/ready')).status).toBe(503);
    expect(check).toHaveBeenCalledTimes(1);
  });
});
