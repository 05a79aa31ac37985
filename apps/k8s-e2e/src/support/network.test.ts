import { findRepoRoot } from '@secret-flows/cli';
import { renderOverlay, type Container, type Workload } from './manifests';
import { buildNetwork } from './network';

describe('Service names mapped to loopback ports', () => {
  it('maps Service → targetPort → containerPort, rewrites addresses and own ports, keeps identifiers', async () => {
    const rendered = renderOverlay(findRepoRoot(), 'dev');
    let next = 40000;
    const net = await buildNetwork({
      rendered,
      ports: async () => next++,
      nowhere: 1,
    });
    const wallet = rendered
      .of<Workload>('Deployment')
      .find((d) => d.metadata.name === 'wallet') as Workload;
    const walletPort = net.localPort('wallet', 'wallet', 8086);
    const vaultPort = net.localPort('vault', 'vault', 8200);
    expect(net.hosts.get('wallet')?.get(8086)).toBe(walletPort);
    expect(
      net.hosts
        .get(`wallet.${rendered.namespace}.svc.cluster.local`)
        ?.get(8086),
    ).toBe(walletPort);
    const c = wallet.spec.template.spec.containers[0] as Container;
    const env = net.rewriteEnv(
      {
        HOST: '0.0.0.0',
        PORT: '8086',
        VAULT_ADDR: 'http://vault:8200',
        TENANT_JWT_ISSUER: 'http://vault:8200/v1/identity/oidc',
        OTEL_EXPORTER_OTLP_ENDPOINT:
          'http://otel-collector.observability.svc:4318',
        X_UPSTREAM_HOST: 'vault',
        X_UPSTREAM_PORT: '8200',
      },
      'wallet',
      c,
    );
    expect(env).toEqual({
      HOST: '127.0.0.1',
      PORT: String(walletPort),
      VAULT_ADDR: `http://127.0.0.1:${vaultPort}`,
      TENANT_JWT_ISSUER: 'http://vault:8200/v1/identity/oidc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1',
      X_UPSTREAM_HOST: '127.0.0.1',
      X_UPSTREAM_PORT: String(vaultPort),
    });
    expect(() => net.rewriteText('http://wallet:9999/x', 'test')).toThrow(
      /names a Service port that does not exist/,
    );
  });
});
