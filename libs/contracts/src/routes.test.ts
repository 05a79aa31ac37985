import {
  AGENT_ROUTES,
  WALLET_ROUTES,
  buildPath,
  joinMultiSegmentParam,
  toExpressPath,
} from './index';

describe('route tables', () => {
  it('serve the agent API of docs/api/agent.openapi.json', () => {
    const table = Object.values(AGENT_ROUTES).map(
      (r) => `${r.method.toUpperCase()} ${r.path} ${r.status}`,
    );
    expect(table).toEqual(
      expect.arrayContaining([
        'GET /_system/health 200',
        'GET /_system/ready 200',
        'GET /_system/metrics 200',
        'POST /wallets 201',
        'GET /wallets 200',
        'GET /wallets/{id} 200',
        'DELETE /wallets/{id} 204',
        'POST /keys 201',
        'GET /keys 200',
        'GET /keys/{id} 200',
        'DELETE /keys/{id} 204',
        'POST /keys/{id}/sign 200',
        'POST /keys/{id}/rotate 200',
        'PUT /secrets/{name} 200',
        'GET /secrets/{name} 200',
        'GET /secrets 200',
        'DELETE /secrets/{name} 204',
      ]),
    );
    expect(table).toHaveLength(17);
  });

  it('put the wallet API under /v1 with tenants instead of wallets', () => {
    const paths = Object.values(WALLET_ROUTES).map(
      (r) => `${r.method.toUpperCase()} ${r.path}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /v1/tenants',
        'GET /v1/tenants/{id}',
        'POST /v1/keys/{id}/sign',
        'GET /v1/secrets/{name}',
      ]),
    );
    expect(
      paths
        .filter((p) => !p.includes('/_system/'))
        .every((p) => p.split(' ')[1]?.startsWith('/v1/')),
    ).toBe(true);
  });

  it('require the service token and the tenant JWT on every wallet tenant operation', () => {
    expect(WALLET_ROUTES.getSecret.auth).toBe('service+tenant');
    expect(WALLET_ROUTES.createWallet.auth).toBe('service');
    expect(AGENT_ROUTES.createWallet.auth).toBe('admin');
    expect(AGENT_ROUTES.health.auth).toBe('none');
  });
});

describe('path helpers', () => {
  it('converts templates to Express 5 paths, secret names spanning segments', () => {
    expect(toExpressPath(AGENT_ROUTES.signWithKey)).toBe('/keys/:id/sign');
    expect(toExpressPath(WALLET_ROUTES.getSecret)).toBe('/v1/secrets/*name');
  });

  it('joins a wildcard parameter back into a secret name', () => {
    expect(joinMultiSegmentParam(['db', 'password'])).toBe('db/password');
    expect(joinMultiSegmentParam('db')).toBe('db');
    expect(joinMultiSegmentParam(undefined)).toBeUndefined();
  });

  it('builds concrete paths, keeping slashes of secret names and encoding the rest', () => {
    expect(
      buildPath(WALLET_ROUTES.getSecret.path, { name: 'db/pass word' }),
    ).toBe('/v1/secrets/db/pass%20word');
    expect(buildPath(WALLET_ROUTES.signWithKey.path, { id: 'k1' })).toBe(
      '/v1/keys/k1/sign',
    );
    expect(() => buildPath(WALLET_ROUTES.getKey.path)).toThrow(
      /missing path parameter id/,
    );
  });
});
