/**
 * The bootstrap against a Vault served over TLS by a private CA (the production overlay:
 * VAULT_CACERT names the CA file). Vault fetches its own JWKS for the phase-4 exchange; with
 * `jwks_ca_pem` empty it trusts only the system CAs (hashicorp/cap jwt/keyset.go,
 * createCAContext) and refuses the config ("error checking jwks URL <url>",
 * vault-plugin-auth-jwt path_config.go validateJWKSURL), so the bootstrap sends the CA.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createVaultClient,
  tokenAuth,
  userpassAuth,
  type VaultClient,
} from '@secret-flows/vault-client';
// vault-dev is an app, allowed here as a test-only dependency (root eslint config, scope:vault-dev).
import { startVaultDev, type VaultDevServer } from '@secret-flows/vault-dev';
import { runCli } from '../src/cli';
import { COMMANDS } from '../src/commands/registry';
import { createTenant } from './harness';

jest.setTimeout(60_000);

describe('secret-flows bootstrap against vault-dev over TLS with VAULT_CACERT', () => {
  let server: VaultDevServer;
  let root: VaultClient;
  let dir: string;
  let caFile: string;
  const clients: VaultClient[] = [];
  const rootToken = 'tls-bootstrap-root';

  const bootstrap = async (env: Record<string, string>) => {
    const out: string[] = [];
    const code = await runCli(
      [
        'bootstrap',
        '--vault-addr',
        server.address,
        '--phase',
        '4',
        '--agent-client-id',
        'secret-flows-agent',
        '--spec-dir',
        path.join(__dirname, '..', '..', '..', 'deploy', 'vault'),
      ],
      {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        env: { VAULT_TOKEN: rootToken, ...env },
      },
      COMMANDS,
    );
    return { code, out: out.join('\n') };
  };

  beforeAll(async () => {
    server = await startVaultDev({ port: 0, rootToken, tls: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-tls-'));
    // The CA as an operator has it: a copy in a file of its own (the vault-ca ConfigMap).
    caFile = path.join(dir, 'ca.crt');
    fs.writeFileSync(caFile, server.caCertPem ?? '');
    root = createVaultClient({
      address: server.address,
      caCertPem: server.caCertPem,
      auth: tokenAuth(rootToken),
    });
    clients.push(root);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the JWT auth config with jwks_ca_pem = the VAULT_CACERT file, so the phase-4 exchange works over https', async () => {
    const first = await bootstrap({ VAULT_CACERT: caFile });
    expect(first.code).toBe(0);
    const config = await root.auth.jwt('jwt').readConfig();
    expect(config).toMatchObject({
      jwksUrl: `${server.address}/v1/identity/oidc/.well-known/keys`,
      jwksCaPem: fs.readFileSync(caFile, 'utf8'),
    });

    await createTenant(root, 'acme', 'acme-password');
    const tenant = createVaultClient({
      address: server.address,
      caCertPem: server.caCertPem,
      auth: userpassAuth({ username: 'acme', password: 'acme-password' }),
    });
    clients.push(tenant);
    const { token } = await tenant.identity.oidc.generateToken('tenant');
    const exchanged = await root.auth.jwt('jwt').login('tenant', token);
    expect(exchanged.policies).toEqual(expect.arrayContaining(['tenant-data']));
  });

  it('changes nothing on a second run with the same CA', async () => {
    const again = await bootstrap({ VAULT_CACERT: caFile });
    expect([again.code, again.out]).toEqual([
      0,
      expect.stringContaining('nothing changed'),
    ]);
  });

  it('cannot even connect without VAULT_CACERT (exit 1, a clear message)', async () => {
    const without = await bootstrap({});
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/secret-flows bootstrap/);
  });
});
