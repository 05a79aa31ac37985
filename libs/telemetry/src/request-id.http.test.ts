import express from 'express';
import request from 'supertest';
import { requestIdMiddleware, requestIdOf } from './index';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function app() {
  const a = express();
  a.use(requestIdMiddleware());
  a.get('/', (_req, res) => {
    res.json({ requestId: requestIdOf(res) });
  });
  return a;
}

describe('requestIdMiddleware', () => {
  it('keeps a valid incoming X-Request-Id and echoes it', async () => {
    const res = await request(app())
      .get('/')
      .set('X-Request-Id', 'abc-123_x.y')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123_x.y');
    expect(res.body.requestId).toBe('abc-123_x.y');
  });

  it('generates a UUID when the caller sends none', async () => {
    const res = await request(app()).get('/').expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'abc def'],
    ['with a log-injection attempt', 'abc"}\\n{"level":"error'],
    ['with a slash', 'a/b'],
  ])('replaces an id that is %s', async (_case, id) => {
    const res = await request(app())
      .get('/')
      .set('X-Request-Id', id)
      .expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('accepts an id of exactly 128 characters', async () => {
    const id = 'a'.repeat(128);
    const res = await request(app())
      .get('/')
      .set('X-Request-Id', id)
      .expect(200);
    expect(res.headers['x-request-id']).toBe(id);
  });
});
