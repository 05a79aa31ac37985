import express from 'express';
import request from 'supertest';
import { createMetrics } from './index';

// Prometheus does not order labels; find the sample whose labels include all of `labels`.
function sample(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([k, v]) => present.get(k) === v))
      return Number(match[3]);
  }
  return undefined;
}

function appWith(metrics: ReturnType<typeof createMetrics>) {
  const app = express();
  app.use(metrics.httpMetricsMiddleware());
  app.get('/items/:id', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/boom', (_req, res) => {
    res.status(503).json({ code: 'vault_unavailable' });
  });
  app.get('/_system/metrics', metrics.metricsHandler);
  return app;
}

describe('createMetrics', () => {
  it('serves request durations by route template and status in the Prometheus text format', async () => {
    const metrics = createMetrics({
      serviceName: 'svc',
      defaultMetrics: false,
    });
    const app = appWith(metrics);
    await request(app).get('/items/secret-id-1').expect(200);
    await request(app).get('/items/secret-id-2').expect(200);
    await request(app).get('/boom').expect(503);
    await request(app).get('/nowhere').expect(404);

    const res = await request(app).get('/_system/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    const count = (labels: Record<string, string>) =>
      sample(res.text, 'http_request_duration_seconds_count', labels);
    expect(
      count({
        service: 'svc',
        method: 'GET',
        route: '/items/:id',
        status: '200',
      }),
    ).toBe(2);
    expect(
      count({ service: 'svc', method: 'GET', route: '/boom', status: '503' }),
    ).toBe(1);
    expect(count({ route: 'unmatched', status: '404' })).toBe(1);
    expect(res.text).not.toContain('secret-id-1');
  });

  it('exposes the Vault, JWT and JWKS counters and the wallet-call histogram', async () => {
    const metrics = createMetrics({
      serviceName: 'wallet',
      defaultMetrics: false,
    });
    metrics.counters.vaultLogins.inc({ method: 'approle', result: 'ok' });
    metrics.counters.jwtExchanges.inc({ result: 'ok' });
    metrics.counters.jwtExchangeCacheHits.inc(3);
    metrics.counters.jwksFetches.inc({ result: 'ok' });
    metrics.walletRequestDuration.observe(
      { operation: 'secrets.get', status: '200' },
      0.004,
    );
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'vault_logins_total', {
        method: 'approle',
        result: 'ok',
        service: 'wallet',
      }),
    ).toBe(1);
    expect(sample(text, 'vault_jwt_exchanges_total', { result: 'ok' })).toBe(1);
    expect(
      sample(text, 'vault_jwt_exchange_cache_hits_total', {
        service: 'wallet',
      }),
    ).toBe(3);
    expect(sample(text, 'jwks_fetches_total', { result: 'ok' })).toBe(1);
    const bucket = (le: string) =>
      sample(text, 'wallet_request_duration_seconds_bucket', {
        le,
        operation: 'secrets.get',
        status: '200',
      });
    expect([bucket('0.0025'), bucket('0.005')]).toEqual([0, 1]);
  });

  it('keeps each service registry separate (no prom-client global)', async () => {
    const a = createMetrics({ serviceName: 'a' });
    const b = createMetrics({ serviceName: 'b' });
    a.counters.vaultLogins.inc({ method: 'approle', result: 'ok' });
    expect(
      sample(await a.registry.metrics(), 'vault_logins_total', {
        method: 'approle',
        result: 'ok',
      }),
    ).toBe(1);
    expect(
      sample(await b.registry.metrics(), 'vault_logins_total', {
        method: 'approle',
        result: 'ok',
      }),
    ).toBeUndefined();
    expect(await a.registry.metrics()).toContain(
      'process_resident_memory_bytes',
    );
  });
});
