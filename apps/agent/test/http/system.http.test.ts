import {
  HealthSchema,
  ProblemSchema,
  ReadinessSchema,
} from '@secret-flows/contracts';
import request from 'supertest';
import { createTestApp } from '../support/test-app';

describe('agent /_system and cross-cutting HTTP behaviour', () => {
  it('reports liveness with the package version', async () => {
    const { app } = createTestApp();
    const res = await request(app).get('/_system/health').expect(200);
    expect(HealthSchema.parse(res.body)).toEqual({
      status: 'ok',
      version: '9.9.9-test',
    });
  });

  it('is ready when the backend is, and answers 503 with the failing check and Retry-After when not', async () => {
    const { app, fake } = createTestApp();
    expect(
      ReadinessSchema.parse(
        (await request(app).get('/_system/ready').expect(200)).body,
      ),
    ).toEqual({
      status: 'ready',
      checks: { wallet: { ok: true } },
    });
    fake.state.isDown = true;
    const res = await request(app).get('/_system/ready').expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(ReadinessSchema.parse(res.body)).toMatchObject({
      status: 'not_ready',
      checks: { wallet: { ok: false } },
    });
  });

  it('stops being ready once the process drains, without asking the backend', async () => {
    let isDraining = false;
    const { app, fake } = createTestApp({ isDraining: () => isDraining });
    await request(app).get('/_system/ready').expect(200);
    isDraining = true;
    fake.state.isDown = true;
    const res = await request(app).get('/_system/ready').expect(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      checks: { shutdown: { ok: false, detail: 'draining' } },
    });
    await request(app).get('/_system/health').expect(200);
  });

  it('serves Prometheus metrics that count requests', async () => {
    const { app } = createTestApp();
    await request(app).get('/_system/health');
    const res = await request(app).get('/_system/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/_system\/health"[^}]*\} 1/,
    );
  });

  it('echoes a well-formed X-Request-Id into the header and problem bodies', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .get('/nowhere')
      .set('X-Request-Id', 'req-123.abc')
      .expect(404);
    expect(res.headers['x-request-id']).toBe('req-123.abc');
    expect(ProblemSchema.parse(res.body)).toMatchObject({
      code: 'not_found',
      requestId: 'req-123.abc',
      instance: '/nowhere',
    });
  });

  it('replaces a request id that could inject into logs with a fresh one', async () => {
    const { app } = createTestApp();
    const res = await request(app)
      .get('/_system/health')
      .set('X-Request-Id', 'a b\tc<script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('hides the framework and sets helmet security headers', async () => {
    const { app } = createTestApp();
    const res = await request(app).get('/_system/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none';frame-ancestors 'none'",
    );
  });

  it('answers unknown routes and wrong methods with a problem, not an HTML page', async () => {
    const { app } = createTestApp();
    const res = await request(app).patch('/keys').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
