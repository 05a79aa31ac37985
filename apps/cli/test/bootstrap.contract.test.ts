import * as fs from 'node:fs';
import * as path from 'node:path';
import { approleAuth, userpassAuth } from '@secret-flows/vault-client';
import { bootstrapVault } from '../src/bootstrap/bootstrap-vault';
import { runCli } from '../src/cli';
import { COMMANDS } from '../src/commands/registry';
import {
  createTenant,
  startVault,
  verifyWithJwks,
  type TestVault,
} from './harness';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('secret-flows bootstrap against a fresh vault-dev', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startVault();
  });
  afterAll(() => vault.stop());

  it('configures phase 3 so the wallet role logs in and a userpass tenant gets a JWT that verifies against the JWKS', async () => {
    const result = await bootstrapVault({
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      phase: 3,
      outDir: vault.outDir,
      agentClientId: 'secret-flows-agent',
    });
    expect(result).toMatchObject({
      phase: 3,
      changed: true,
      clientId: 'secret-flows-agent',
      issuer: `${vault.server.address}/v1/identity/oidc`,
    });
    expect(result.accessors).toMatchObject({
      approle: expect.stringMatching(/^auth_approle_/),
      userpass: expect.stringMatching(/^auth_userpass_/),
    });
    const { roleIdFile, secretIdFile } = result.credentials ?? {};
    expect(mode(roleIdFile as string)).toBe(0o600);
    expect(mode(secretIdFile as string)).toBe(0o600);

    const wallet = vault.client({
      address: vault.server.address,
      auth: approleAuth({ roleIdFile, secretIdFile }),
    });
    await wallet
      .kvV2('secret')
      .write('tenants/default/seed', { seed: 'abc' }, { cas: 0 });
    expect((await wallet.auth.token.lookupSelf()).policies).toEqual([
      'default',
      'wallet',
    ]);

    await createTenant(vault.root, 'acme', 'acme-password');
    const tenant = vault.client({
      address: vault.server.address,
      auth: userpassAuth({ username: 'acme', password: 'acme-password' }),
    });
    const { token } = await tenant.identity.oidc.generateToken('tenant');
    const claims = verifyWithJwks(
      token,
      await vault.root.identity.oidc.jwks(),
      'secret-flows-agent',
    );
    expect(claims).toMatchObject({
      iss: result.issuer,
      aud: 'secret-flows-agent',
      tenant_id: 'acme',
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);

    const summary = JSON.parse(
      fs.readFileSync(result.summaryFile as string, 'utf8'),
    );
    expect(summary).toMatchObject({
      phase: 3,
      clientId: 'secret-flows-agent',
      issuer: result.issuer,
      accessors: result.accessors,
    });
    expect(JSON.stringify(summary)).not.toContain(
      fs.readFileSync(secretIdFile as string, 'utf8'),
    );
  });

  it('changes nothing on a second run and says so', async () => {
    const again = await bootstrapVault({
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      phase: 3,
      outDir: vault.outDir,
      agentClientId: 'secret-flows-agent',
    });
    expect(again.changes).toEqual([]);
    expect(again.changed).toBe(false);
    const out: string[] = [];
    const code = await runCli(
      [
        'bootstrap',
        '--vault-addr',
        vault.server.address,
        '--phase',
        '3',
        '--out-dir',
        vault.outDir,
        '--agent-client-id',
        'secret-flows-agent',
      ],
      {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        env: { VAULT_TOKEN: vault.rootToken },
      },
      COMMANDS,
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain(
      'Vault already matches deploy/vault for phase 3: nothing changed.',
    );
    expect(out.join('\n')).not.toContain(vault.rootToken);
  });

  // Vault 1.13+ locks a userpass user after 5 bad logins (request_handling.go
  // failedUserLoginProcess); the bootstrap turns that off on the tenant mount only
  // (deploy/vault/bootstrap.yaml): generated passwords cannot be guessed, a lock could be forced.
  it('turns user lockout off on userpass, so wrong passwords cannot lock a tenant out, and keeps it on approle', async () => {
    const { entityId } = await createTenant(
      vault.root,
      'victim',
      'victim-password',
    );
    const as = (password: string) =>
      vault.client({
        address: vault.server.address,
        auth: userpassAuth({ username: 'victim', password }),
      });
    for (let i = 0; i < 6; i++)
      await expect(as('wrong').login()).rejects.toThrow(
        /invalid username or password/,
      );
    expect((await as('victim-password').auth.token.lookupSelf()).entityId).toBe(
      entityId,
    );
    expect(await vault.root.sys.readAuthTune('userpass')).toMatchObject({
      user_lockout_disable: true,
    });
    expect(await vault.root.sys.readAuthTune('approle')).not.toHaveProperty(
      'user_lockout_disable',
      true,
    );
  });

  it('keeps the client id Vault generated when none is given', async () => {
    const other = await startVault();
    try {
      const first = await bootstrapVault({
        vaultAddr: other.server.address,
        token: other.rootToken,
        phase: 3,
      });
      expect(first.clientId).toMatch(/^[A-Za-z0-9]{10,}$/);
      const second = await bootstrapVault({
        vaultAddr: other.server.address,
        token: other.rootToken,
        phase: 3,
      });
      expect(second).toMatchObject({
        clientId: first.clientId,
        changed: false,
      });
    } finally {
      await other.stop();
    }
  });

  it('moves the wallet role to the provisioner policy for phase 4 and writes a wrapped secret_id that works once', async () => {
    const result = await bootstrapVault({
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      phase: 4,
      outDir: vault.outDir,
      wrapSecretId: true,
      agentClientId: 'secret-flows-agent',
    });
    expect(result.changes).toEqual(
      expect.arrayContaining([
        'updated AppRole role wallet (policies wallet-provisioner)',
        'enabled auth method jwt/',
      ]),
    );
    const wrappedFile = result.credentials?.wrappedSecretIdFile as string;
    expect(path.basename(wrappedFile)).toBe('wallet-secret-id.wrapped');
    expect(mode(wrappedFile)).toBe(0o600);
    const unchanged = await bootstrapVault({
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      phase: 4,
      outDir: vault.outDir,
      wrapSecretId: true,
      agentClientId: 'secret-flows-agent',
    });
    expect(unchanged.changed).toBe(false);
    const auth = {
      roleIdFile: result.credentials?.roleIdFile as string,
      wrappedSecretIdFile: wrappedFile,
    };
    const wallet = vault.client({
      address: vault.server.address,
      auth: approleAuth(auth),
    });
    expect((await wallet.auth.token.lookupSelf()).policies).toEqual([
      'default',
      'wallet-provisioner',
    ]);
    const thief = vault.client({
      address: vault.server.address,
      auth: approleAuth(auth),
    });
    await expect(thief.login()).rejects.toThrow(/already used/);
    const reissued = await bootstrapVault({
      vaultAddr: vault.server.address,
      token: vault.rootToken,
      phase: 4,
      outDir: vault.outDir,
      wrapSecretId: true,
      agentClientId: 'secret-flows-agent',
    });
    expect(reissued.changes).toEqual([
      expect.stringMatching(/^wrote a response-wrapped secret_id/),
    ]);
  });
});
