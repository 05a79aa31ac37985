import * as path from 'node:path';
import { loadConfig, withUpstreamShorthands } from './config';

describe('gateway-dev configuration', () => {
  it('defaults to 127.0.0.1:9080 and the repository apisix.yaml', () => {
    const config = loadConfig({}, __dirname);
    expect([config.host, config.port, config.shutdownTimeoutMs]).toEqual([
      '127.0.0.1',
      9080,
      10_000,
    ]);
    expect(config.configPath).toBe(
      path.resolve(__dirname, '../../../deploy/apisix/apisix.yaml'),
    );
  });

  it('resolves GATEWAY_CONFIG against the working directory and accepts PORT=0', () => {
    const config = loadConfig(
      { GATEWAY_CONFIG: 'conf/apisix.yaml', PORT: '0' },
      '/srv',
    );
    expect([config.configPath, config.port]).toEqual([
      '/srv/conf/apisix.yaml',
      0,
    ]);
  });

  it('reports every invalid variable in one message', () => {
    expect(() =>
      loadConfig({ PORT: 'x', AGENT_UPSTREAM: 'no-port', LOG_LEVEL: 'loud' }),
    ).toThrow(
      /PORT.*LOG_LEVEL.*AGENT_UPSTREAM|PORT.*AGENT_UPSTREAM.*LOG_LEVEL/s,
    );
  });

  it('splits AGENT_UPSTREAM / VAULT_UPSTREAM into the host and port apisix.yaml substitutes', () => {
    expect(
      withUpstreamShorthands({
        AGENT_UPSTREAM: 'agent:8085',
        VAULT_UPSTREAM: '127.0.0.1:8200',
      }),
    ).toMatchObject({
      AGENT_UPSTREAM_HOST: 'agent',
      AGENT_UPSTREAM_PORT: '8085',
      VAULT_UPSTREAM_HOST: '127.0.0.1',
      VAULT_UPSTREAM_PORT: '8200',
    });
  });

  it('refuses a URL where host:port is expected', () => {
    expect(() =>
      withUpstreamShorthands({ AGENT_UPSTREAM: 'http://127.0.0.1:8085' }),
    ).toThrow('AGENT_UPSTREAM: must be host:port');
  });

  it('lets explicit host and port variables win over the shorthand', () => {
    expect(
      withUpstreamShorthands({
        AGENT_UPSTREAM: 'a:1',
        AGENT_UPSTREAM_PORT: '2',
      }),
    ).toMatchObject({
      AGENT_UPSTREAM_HOST: 'a',
      AGENT_UPSTREAM_PORT: '2',
    });
  });
});
