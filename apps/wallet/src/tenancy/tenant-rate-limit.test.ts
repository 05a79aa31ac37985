import express from 'express';
import request from 'supertest';
import { isAppError } from '@secret-flows/contracts';
import { tenantRateLimit } from './tenant-rate-limit';

function setup(limitPerMinute: number, maxTenants?: number) {
  let nowMs = 0;
  const app = express();
  app.use((req, res, next) => {
    res.locals['tenant'] = {
      tenantId: req.get('x-tenant'),
      subject: 's',
      issuer: 'i',
      expiresAt: new Date(),
      jwt: 'j',
    };
    next();
  });
  const limiter = tenantRateLimit({
    limitPerMinute,
    now: () => nowMs,
    maxTenants,
  });
  app.use(limiter);
  app.get('/', (_req, res) => {
    res.status(204).end();
  });
  const errorHandler: express.ErrorRequestHandler = (err, _req, res, next) => {
    if (!isAppError(err)) return next(err);
    res
      .status(err.status)
      .set('Retry-After', String(err.retryAfterSeconds))
      .json({ code: err.code });
  };
  app.use(errorHandler);
  return {
    hit: (tenant: string) => request(app).get('/').set('x-tenant', tenant),
    tracked: () => limiter.trackedTenants(),
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

describe('tenantRateLimit', () => {
  it('lets a tenant burst up to the limit, then answers 429 with Retry-After', async () => {
    const s = setup(3);
    for (let i = 0; i < 3; i++) expect((await s.hit('a')).status).toBe(204);
    const limited = await s.hit('a');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 'rate_limited' });
    expect(limited.headers['retry-after']).toBe('20');
  });

  it('counts each tenant separately', async () => {
    const s = setup(1);
    expect((await s.hit('a')).status).toBe(204);
    expect((await s.hit('a')).status).toBe(429);
    expect((await s.hit('b')).status).toBe(204);
  });

  it('refills at limit/60 per second', async () => {
    const s = setup(60);
    for (let i = 0; i < 60; i++) await s.hit('a');
    expect((await s.hit('a')).status).toBe(429);
    s.advance(1000);
    expect((await s.hit('a')).status).toBe(204);
    expect((await s.hit('a')).status).toBe(429);
  });

  it('prunes idle tenants when it tracks too many without resetting a busy one', async () => {
    const s = setup(1, 2);
    await s.hit('idle');
    s.advance(60_000);
    expect((await s.hit('busy')).status).toBe(204);
    expect((await s.hit('third')).status).toBe(204);
    expect((await s.hit('busy')).status).toBe(429);
  });

  it('stays within maxTenants when every bucket is partly used, evicting the least recently used', async () => {
    const s = setup(10, 3);
    for (const tenant of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect((await s.hit(tenant)).status).toBe(204);
      s.advance(1);
      expect(s.tracked()).toBeLessThanOrEqual(3);
    }
    expect(s.tracked()).toBe(3);
  });

  it('keeps a recently used tenant over an older one when it must evict', async () => {
    const s = setup(1, 2);
    expect((await s.hit('old')).status).toBe(204);
    expect((await s.hit('recent')).status).toBe(204);
    expect((await s.hit('old')).status).toBe(429); // now the most recently used
    expect((await s.hit('new')).status).toBe(204); // evicts `recent`, not `old`
    expect((await s.hit('old')).status).toBe(429);
    expect(s.tracked()).toBe(2);
  });
});
