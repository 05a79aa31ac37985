import type { GatewayRequest, PluginContext } from './plugin.types';
import { createLimitCountPlugin } from './limit-count.plugin';

// apisix/plugins/limit-count/init.lua (3.18) `run_rate_limit`: the key of each key_type, the
// fallback to remote_addr when the key is nil, and the X-RateLimit-* headers.
function request(
  overrides: {
    remoteAddr?: string;
    headers?: Record<string, string>;
    consumerName?: string;
  } = {},
): GatewayRequest {
  return {
    method: 'GET',
    requestUri: '/x',
    uri: '/x',
    args: undefined,
    headers: { ...overrides.headers },
    responseHeaders: new Map(),
    responseHeaderDefaults: new Map(),
    routeId: 'r',
    remoteAddr: overrides.remoteAddr ?? '10.0.0.1',
    serverPort: 9080,
    consumerName: overrides.consumerName,
    upstreamUri: undefined,
    upstreamMethod: undefined,
    upstreamHost: undefined,
    onResponse: [],
  };
}

function plugin(config: Record<string, unknown>, now = () => 0) {
  const context: PluginContext = {
    routeId: 'r',
    consumers: { findByKey: () => undefined },
    now,
  };
  return createLimitCountPlugin(
    { count: 1, time_window: 60, rejected_code: 429, ...config },
    context,
  );
}

describe('limit-count keys (APISIX 3.18 semantics)', () => {
  it('var_combination: one counter per resolved combination, e.g. per consumer and bearer token', () => {
    const limit = plugin({
      key_type: 'var_combination',
      key: '$consumer_name $http_authorization',
    });
    const tenantA = request({
      consumerName: 'demo',
      headers: { authorization: 'Bearer a' },
    });
    const tenantB = request({
      consumerName: 'demo',
      headers: { authorization: 'Bearer b' },
    });
    expect(limit.handle(tenantA)).toBeUndefined();
    expect(
      limit.handle(
        request({
          consumerName: 'demo',
          headers: { authorization: 'Bearer a' },
        }),
      )?.status,
    ).toBe(429);
    expect(limit.handle(tenantB)).toBeUndefined();
  });

  it('var_combination: falls back to the client address when none of its variables resolved', () => {
    const limit = plugin({
      key_type: 'var_combination',
      key: '$http_x_tenant $http_x_other',
    });
    expect(limit.handle(request({ remoteAddr: '10.0.0.1' }))).toBeUndefined();
    expect(limit.handle(request({ remoteAddr: '10.0.0.2' }))).toBeUndefined();
    expect(limit.handle(request({ remoteAddr: '10.0.0.1' }))?.status).toBe(429);
    // One resolved variable is enough: no fallback, the key is " x" for every address.
    expect(
      limit.handle(
        request({ remoteAddr: '10.0.0.3', headers: { 'x-other': 'x' } }),
      ),
    ).toBeUndefined();
    expect(
      limit.handle(
        request({ remoteAddr: '10.0.0.4', headers: { 'x-other': 'x' } }),
      )?.status,
    ).toBe(429);
  });

  it('var: an empty value is a key like any other (only nil falls back to remote_addr)', () => {
    const limit = plugin({ key_type: 'var', key: 'http_x_tenant' });
    expect(
      limit.handle(
        request({ remoteAddr: '10.0.0.1', headers: { 'x-tenant': '' } }),
      ),
    ).toBeUndefined();
    expect(
      limit.handle(
        request({ remoteAddr: '10.0.0.2', headers: { 'x-tenant': '' } }),
      )?.status,
    ).toBe(429);
  });

  it('sends X-RateLimit-Reset as the remaining seconds floored to hundredths', () => {
    let nowMs = 0;
    const limit = plugin(
      { key_type: 'constant', key: 'all', count: 5 },
      () => nowMs,
    );
    const first = request();
    limit.handle(first);
    expect(Object.fromEntries(first.responseHeaders)).toEqual({
      'X-RateLimit-Limit': '5',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': '60',
    });
    nowMs = 12_345;
    const later = request();
    limit.handle(later);
    expect(later.responseHeaders.get('X-RateLimit-Reset')).toBe('47.65');
  });
});
