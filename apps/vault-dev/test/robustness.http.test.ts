/**
 * Bad input never crashes the server: random methods, paths, headers and bodies get a
 * 4xx (or a success), never a 5xx, and the server keeps answering.
 */
import * as fc from 'fast-check';
import { startTestVault, type TestVault } from './support/vault-http';

describe('vault-dev robustness', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it('answers arbitrary requests without a 5xx', async () => {
    const path = fc.oneof(
      fc.constantFrom(
        'sys/mounts/x',
        'sys/auth/y',
        'sys/policies/acl/p',
        'sys/policy/q',
        'secret/data/a',
        'secret/metadata/',
        'secret/config',
        'auth/token/create',
        'auth/token/lookup',
        'sys/wrapping/unwrap',
        'sys/capabilities-self',
        'secret/destroy/a',
      ),
      fc.webPath().map((p) => p.replace(/^\//, '')),
    );
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc.dictionary(
        fc.constantFrom(
          'data',
          'options',
          'versions',
          'policy',
          'type',
          'ttl',
          'policies',
          'max_versions',
          'token',
          'paths',
        ),
        fc.jsonValue(),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'LIST', 'PATCH'),
        path,
        body,
        fc.boolean(),
        async (method, p, b, withToken) => {
          const res = await vault.call(method, `/v1/${encodeURI(p)}`, {
            token: withToken ? vault.root : undefined,
            rawBody:
              method === 'GET' || method === 'LIST'
                ? undefined
                : typeof b === 'string'
                  ? b
                  : JSON.stringify(b),
            headers: {
              'Content-Type':
                method === 'PATCH'
                  ? 'application/merge-patch+json'
                  : 'application/json',
            },
          });
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect((await vault.call('GET', '/v1/sys/health')).status).toBe(200);
  });
});
