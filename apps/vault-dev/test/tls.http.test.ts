/**
 * TLS mode, like `vault server -dev -dev-tls` (hashicorp/vault command/server.go,
 * configureDevTLS): a generated CA and server certificate in a temporary directory (or
 * `-dev-tls-cert-dir`), removed on exit; or a given certificate and key, like a real
 * listener's tls_cert_file / tls_key_file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createDevCertificates,
  startVaultDev,
  type VaultDevServer,
} from '../src/index';
import { request } from './support/vault-http';

describe('vault-dev over TLS', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-dev-tls-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('generated like -dev-tls', () => {
    let vault: VaultDevServer;
    beforeAll(async () => {
      vault = await startVaultDev({ port: 0, rootToken: 'root', tls: true });
    });
    afterAll(() => vault.stop());

    it('listens on https with a CA written to a temporary directory as vault-ca.pem', async () => {
      expect(vault.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(path.basename(vault.caCertFile ?? '')).toBe('vault-ca.pem');
      expect(path.basename(path.dirname(vault.caCertFile ?? ''))).toMatch(
        /^vault-tls/,
      );
      expect(fs.readFileSync(vault.caCertFile ?? '', 'utf8')).toBe(
        vault.caCertPem,
      );
      const dirOf = path.dirname(vault.caCertFile ?? '');
      expect(fs.readdirSync(dirOf).sort()).toEqual([
        'vault-ca.pem',
        'vault-cert.pem',
        'vault-key.pem',
      ]);
      expect(fs.statSync(path.join(dirOf, 'vault-key.pem')).mode & 0o077).toBe(
        0,
      );
    });

    it('serves Vault requests (LIST verb included) to a client that trusts the CA', async () => {
      const health = await request(vault.address, 'GET', '/v1/sys/health', {
        ca: vault.caCertPem,
      });
      expect(health.status).toBe(200);
      await request(vault.address, 'POST', '/v1/secret/data/a/b', {
        ca: vault.caCertPem,
        token: 'root',
        body: { data: { x: '1' } },
      });
      const list = await request(
        vault.address,
        'LIST',
        '/v1/secret/metadata/a',
        { ca: vault.caCertPem, token: 'root' },
      );
      expect([list.status, list.json?.data?.keys]).toEqual([200, ['b']]);
    });

    it('answers for localhost too (a SAN of every dev-TLS certificate)', async () => {
      const res = await request(vault.address, 'GET', '/v1/sys/health', {
        ca: vault.caCertPem,
        servername: 'localhost',
      });
      expect(res.status).toBe(200);
    });

    it('is refused by a client that trusts only the public CAs', async () => {
      await expect(
        request(vault.address, 'GET', '/v1/sys/health'),
      ).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    });

    it('answers plain http with a TLS alert, not a Vault reply', async () => {
      await expect(
        request(
          vault.address.replace(/^https/, 'http'),
          'GET',
          '/v1/sys/health',
        ),
      ).rejects.toThrow();
    });
  });

  it('removes the generated files and its temporary directory on stop', async () => {
    const vault = await startVaultDev({ port: 0, tls: true });
    const caFile = vault.caCertFile ?? '';
    expect(fs.existsSync(caFile)).toBe(true);
    await vault.stop();
    expect(fs.existsSync(path.dirname(caFile))).toBe(false);
  });

  it('writes into -dev-tls-cert-dir with the extra SANs, keeps the directory, and refuses a missing one', async () => {
    const certDir = path.join(dir, 'certs');
    fs.mkdirSync(certDir);
    const vault = await startVaultDev({
      port: 0,
      tls: { certDir, sans: ['vault.secret-flows.svc'] },
    });
    expect(vault.caCertFile).toBe(path.join(certDir, 'vault-ca.pem'));
    const res = await request(vault.address, 'GET', '/v1/sys/health', {
      ca: vault.caCertPem,
      servername: 'vault.secret-flows.svc',
    });
    expect(res.status).toBe(200);
    await expect(
      request(vault.address, 'GET', '/v1/sys/health', {
        ca: vault.caCertPem,
        servername: 'other.example',
      }),
    ).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    await vault.stop();
    expect(fs.readdirSync(certDir)).toEqual([]);
    await expect(
      startVaultDev({ port: 0, tls: { certDir: path.join(dir, 'missing') } }),
    ).rejects.toThrow(/ENOENT/);
  });

  it("serves a given certificate and key (tls_cert_file / tls_key_file) signed by the test's own CA", async () => {
    const own = createDevCertificates({ sans: ['vault'] });
    const certFile = path.join(dir, 'tls.crt');
    const keyFile = path.join(dir, 'tls.key');
    fs.writeFileSync(certFile, own.certPem);
    fs.writeFileSync(keyFile, own.keyPem, { mode: 0o600 });
    const vault = await startVaultDev({ port: 0, tls: { certFile, keyFile } });
    try {
      expect(vault.address).toMatch(/^https:/);
      expect(vault.caCertFile).toBeUndefined();
      const res = await request(vault.address, 'GET', '/v1/sys/health', {
        ca: own.caCertPem,
        servername: 'vault',
      });
      expect(res.status).toBe(200);
    } finally {
      await vault.stop();
    }
    expect(fs.existsSync(certFile)).toBe(true);
  });
});
