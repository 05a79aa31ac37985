import request from 'supertest';
import { createHarness, expectProblem } from '../../test/http-harness';

describe('wallet error handling', () => {
  const h = createHarness({ bodyLimitBytes: 1024 });

  it('answers an oversized body with 413 problem JSON', async () => {
    expectProblem(
      await h
        .as()
        .put('/v1/secrets/big')
        .send({ value: 'x'.repeat(2048) }),
      413,
      'payload_too_large',
    );
  });

  it('answers malformed JSON with 400 problem JSON', async () => {
    const res = await h
      .as()
      .put('/v1/secrets/x')
      .set('Content-Type', 'application/json')
      .send('{"value": ');
    expectProblem(res, 400, 'bad_request');
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await h
      .as()
      .put('/v1/secrets/x')
      .set('Content-Type', 'text/plain')
      .send('value=1');
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('answers a Vault outage with 503, Retry-After and a generic body, then recovers', async () => {
    const t = h.as('outage');
    await t.put('/v1/secrets/x').send({ value: 'kept' });
    h.fake.down();
    const res = await t.get('/v1/secrets/x');
    expectProblem(res, 503, 'vault_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.detail).not.toMatch(/ECONNREFUSED|secret\/data/);
    expect(
      h.logLines.some(
        (l) => l['level'] === 'error' && l['code'] === 'vault_unavailable',
      ),
    ).toBe(true);
    h.fake.up();
    expect((await t.get('/v1/secrets/x')).body.value).toBe('kept');
  });

  it('records a failed operation in the audit log with its error code', async () => {
    await h.as('failing').get('/v1/secrets/missing');
    expect(h.logLines).toContainEqual(
      expect.objectContaining({
        audit: true,
        tenantId: 'failing',
        operation: 'getSecret',
        result: 'not_found',
      }),
    );
  });

  it('echoes a valid X-Request-Id and replaces an unsafe one', async () => {
    const echoed = await h
      .as()
      .get('/v1/secrets/missing')
      .set('X-Request-Id', 'req-123');
    expect(echoed.headers['x-request-id']).toBe('req-123');
    expect(echoed.body.requestId).toBe('req-123');
    const replaced = await h
      .as()
      .get('/v1/secrets/missing')
      .set('X-Request-Id', 'bad id with spaces');
    // A generated UUID (hex, so it may well contain the letters "bad" by chance).
    expect(replaced.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('sends security headers and no x-powered-by', async () => {
    const res = await request(h.app).get('/_system/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers 429 with Retry-After once a tenant exceeds its per-tenant limit', async () => {
    const limited = createHarness({ tenantRateLimitPerMinute: 2 });
    expect((await limited.as('busy').get('/v1/secrets')).status).toBe(200);
    expect((await limited.as('busy').get('/v1/secrets')).status).toBe(200);
    const res = await limited.as('busy').get('/v1/secrets');
    expectProblem(res, 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await limited.as('calm').get('/v1/secrets')).status).toBe(200);
  });

  it('answers an unknown route with 404 problem JSON', async () => {
    expectProblem(await request(h.app).get('/nope'), 404, 'not_found');
  });
});
