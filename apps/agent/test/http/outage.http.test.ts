import { ProblemSchema } from '@secret-flows/contracts';
import request from 'supertest';
import { ADMIN_KEY, createTestApp } from '../support/test-app';

const KEY = '3b241101-e2bb-4255-8caf-4136c566a962';

// Every route that reaches the backend: [method, path, body, needs the admin key].
const ROUTES: Array<[string, string, object | undefined, boolean]> = [
  ['post', '/keys', { type: 'Ed25519' }, false],
  ['get', '/keys', undefined, false],
  ['get', `/keys/${KEY}`, undefined, false],
  ['delete', `/keys/${KEY}`, undefined, false],
  ['post', `/keys/${KEY}/sign`, { payload: 'aGk' }, false],
  ['put', '/secrets/a/b', { value: 'v' }, false],
  ['get', '/secrets/a/b', undefined, false],
  ['get', '/secrets', undefined, false],
  ['delete', '/secrets/a/b', undefined, false],
  ['post', '/wallets', { name: 'acme' }, true],
  ['get', '/wallets', undefined, true],
  ['get', `/wallets/${KEY}`, undefined, true],
  ['delete', `/wallets/${KEY}`, undefined, true],
];

describe('agent during a backend outage', () => {
  it.each(ROUTES)(
    '%s %s answers 503 wallet_unavailable with Retry-After and a generic detail',
    async (method, path, body, isAdmin) => {
      const { app, fake } = createTestApp({ tenancy: 'multi' });
      fake.state.isDown = true;
      let req = (
        request(app) as unknown as Record<string, (p: string) => request.Test>
      )[method](path);
      if (isAdmin) req = req.set('x-admin-api-key', ADMIN_KEY);
      const res = await (body ? req.send(body) : req).expect(503);
      expect(res.headers['retry-after']).toBe('7');
      const problem = ProblemSchema.parse(res.body);
      expect(problem.code).toBe('wallet_unavailable');
      expect(problem.detail).toBe(
        'The wallet service is temporarily unavailable. Retry later.',
      );
    },
  );
});
