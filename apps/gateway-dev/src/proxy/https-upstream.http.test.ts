import * as fs from 'node:fs';
import * as path from 'node:path';
import { startGateway, type RunningGateway } from '../gateway';
import { writeTempConfig } from '../../test/echo-upstream';
import {
  createTlsFixture,
  startHttpsEcho,
  type TlsFixture,
} from '../../test/tls-fixture';

// https upstreams as APISIX 3.18 proxies them. Its nginx template (apisix/cli/ngx_tpl.lua) sets
// `proxy_ssl_trusted_certificate` from apisix.ssl.ssl_trusted_certificate and
// `proxy_ssl_server_name on; proxy_ssl_name $upstream_host`, but never `proxy_ssl_verify`
// (nginx default: off); upstream `tls.verify` is for kafka only (schema_def.lua). So the
// certificate is checked only when config.yaml turns proxy_ssl_verify on in a snippet.
const STANDALONE = `
upstreams:
  - id: tls
    scheme: https
    pass_host: node
    nodes:
      - host: localhost
        port: \${{TLS_PORT}}
        weight: 1
routes:
  - id: r
    uri: /x
    upstream_id: tls
#END
`;

const VERIFYING = (caFile: string) => `
deployment:
  role: data_plane
  role_data_plane:
    config_provider: yaml
apisix:
  ssl:
    ssl_trusted_certificate: ${caFile}
nginx_config:
  http_server_configuration_snippet: |
    proxy_ssl_verify on;
`;

describe('https upstreams', () => {
  let fixture: TlsFixture;
  let otherCa: TlsFixture;
  let upstream: Awaited<ReturnType<typeof startHttpsEcho>>;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    fixture = createTlsFixture('upstream');
    otherCa = createTlsFixture('other');
    upstream = await startHttpsEcho(fixture);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await upstream?.close();
  });

  async function start(
    nodeConfig: string | undefined,
  ): Promise<RunningGateway> {
    const configPath = writeTempConfig(STANDALONE);
    if (nodeConfig !== undefined)
      fs.writeFileSync(
        path.join(path.dirname(configPath), 'config.yaml'),
        nodeConfig,
      );
    const gateway = await startGateway({
      configPath,
      env: { TLS_PORT: String(upstream.port) },
      port: 0,
    });
    gateways.push(gateway);
    return gateway;
  }

  it('speaks TLS with the node name as SNI and Host (pass_host: node), unverified by default as in APISIX', async () => {
    const gateway = await start(undefined);
    const response = await fetch(`${gateway.address}/x`, {
      headers: { host: 'client.example' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      servername: 'localhost',
      host: `localhost:${upstream.port}`,
      url: '/x',
    });
  });

  it('verifies the certificate against ssl_trusted_certificate when proxy_ssl_verify is on', async () => {
    const gateway = await start(VERIFYING(fixture.caFile));
    expect((await fetch(`${gateway.address}/x`)).status).toBe(200);
  });

  it('answers 502 when the certificate does not chain to ssl_trusted_certificate', async () => {
    const gateway = await start(VERIFYING(otherCa.caFile));
    const response = await fetch(`${gateway.address}/x`);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('<title>502 Bad Gateway</title>');
  });

  it('answers 502 when the verified name (the node host) is not in the certificate', async () => {
    const configPath = writeTempConfig(
      STANDALONE.replace('host: localhost', 'host: 127.0.0.1'),
    );
    fs.writeFileSync(
      path.join(path.dirname(configPath), 'config.yaml'),
      VERIFYING(fixture.caFile),
    );
    const gateway = await startGateway({
      configPath,
      env: { TLS_PORT: String(upstream.port) },
      port: 0,
    });
    gateways.push(gateway);
    expect((await fetch(`${gateway.address}/x`)).status).toBe(502);
  });

  it('refuses to start when ssl_trusted_certificate names a missing file, as apisix/cli/file.lua does', async () => {
    await expect(start(VERIFYING('/nonexistent/ca.pem'))).rejects.toThrow(
      "certificate path /nonexistent/ca.pem doesn't exist",
    );
  });

  it('refuses upstream tls.verify: true, which APISIX 3.18 ignores on http(s) upstreams', () => {
    const text = STANDALONE.replace(
      'pass_host: node',
      'pass_host: node\n    tls: {verify: true}',
    );
    return expect(
      startGateway({
        configPath: writeTempConfig(text),
        env: { TLS_PORT: String(upstream.port) },
        port: 0,
      }),
    ).rejects.toThrow(/upstream "tls".*tls/);
  });

  describe('deploy/apisix (apisix.yaml + config.yaml) with Vault over https', () => {
    const deployed = path.resolve(
      __dirname,
      '../../../../deploy/apisix/apisix.yaml',
    );
    const env = (extra: Record<string, string>) => ({
      GATEWAY_DEMO_API_KEY: 'demo-key-for-tests-0123456789',
      VAULT_UPSTREAM_SCHEME: 'https',
      VAULT_UPSTREAM_HOST: 'localhost',
      VAULT_UPSTREAM_PORT: String(upstream.port),
      ...extra,
    });

    it('reaches Vault by its name with the CA given in GATEWAY_UPSTREAM_CA_FILE', async () => {
      const gateway = await startGateway({
        configPath: deployed,
        env: env({ GATEWAY_UPSTREAM_CA_FILE: fixture.caFile }),
        port: 0,
      });
      gateways.push(gateway);
      const response = await fetch(`${gateway.address}/auth/jwks`, {
        headers: { host: 'gateway.example' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        servername: 'localhost',
        url: '/v1/identity/oidc/.well-known/keys',
      });
    });

    it('refuses a Vault certificate that the system store does not trust (verification is on)', async () => {
      const gateway = await startGateway({
        configPath: deployed,
        env: env({}),
        port: 0,
      });
      gateways.push(gateway);
      expect((await fetch(`${gateway.address}/auth/jwks`)).status).toBe(502);
    });
  });
});
