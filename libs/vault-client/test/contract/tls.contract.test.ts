/**
 * https to Vault: `caCertPem` (what the apps read from VAULT_CACERT) is the one CA the client
 * trusts, as Vault's own client does with VAULT_CACERT (a pool of that file only). Against
 * vault-dev in TLS mode (like `vault server -dev-tls`).
 */
// vault-dev is an app, allowed here as a test-only dependency (root eslint config, scope:vault-dev).
import {
  createDevCertificates,
  startVaultDev,
  type VaultDevServer,
} from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  VaultUnavailableError,
  type VaultClient,
} from '../../src/index';

jest.setTimeout(30_000);

describe('vault-client over https', () => {
  let server: VaultDevServer;
  const clients: VaultClient[] = [];
  const rootToken = 'tls-client-root';
  const client = (caCertPem: string | undefined) => {
    const c = createVaultClient({
      address: server.address,
      caCertPem,
      auth: tokenAuth(rootToken),
      retry: { maxAttempts: 1 },
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startVaultDev({ port: 0, rootToken, tls: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    await server.stop();
  });

  it('works with the CA in caCertPem, keep-alive included', async () => {
    const vault = client(server.caCertPem);
    await vault.kvV2('secret').write('tls/one', { v: '1' });
    for (let i = 0; i < 3; i += 1)
      expect((await vault.kvV2('secret').read('tls/one'))?.data).toEqual({
        v: '1',
      });
    expect(await vault.kvV2('secret').list('tls')).toEqual(['one']);
  });

  it('refuses the server without a CA (public CAs only) or with another CA, as unavailable with the TLS reason', async () => {
    for (const ca of [undefined, createDevCertificates().caCertPem]) {
      const error = await client(ca)
        .kvV2('secret')
        .read('tls/one')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultUnavailableError);
      expect(String((error as Error).message)).toMatch(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|certificate/i,
      );
    }
  });
});
