import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as os from 'node:os';
import { createDevCertificates, subjectAltNames } from './dev-certificates';

describe('createDevCertificates (vault server -dev-tls)', () => {
  const made = createDevCertificates({
    sans: ['vault.secret-flows.svc', '10.0.0.7', 'localhost'],
  });
  const ca = new X509Certificate(made.caCertPem);
  const cert = new X509Certificate(made.certPem);

  it('makes a CA and a server certificate that the CA signed', () => {
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(ca.checkPrivateKey(createPrivateKey(made.caKeyPem))).toBe(true);
    expect(cert.keyUsage).toEqual(
      expect.arrayContaining(['1.3.6.1.5.5.7.3.1']),
    ); // serverAuth
  });

  it("names Vault's dev-TLS SANs (localhost*, the host name, 127.0.0.1) plus the extra ones", () => {
    for (const host of [
      'localhost',
      'localhost4',
      'localhost6',
      'localhost.localdomain',
      os.hostname(),
      'vault.secret-flows.svc',
    ]) {
      expect(cert.checkHost(host)).toBe(host);
    }
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('10.0.0.7')).toBe('10.0.0.7');
    expect(cert.checkIP('10.0.0.8')).toBeUndefined();
    expect(cert.checkHost('example.com')).toBeUndefined();
  });

  it('is valid from (just before) now for a year', () => {
    const from = Date.parse(cert.validFrom);
    expect(from).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(cert.validTo) - from).toBeGreaterThan(
      364 * 24 * 3600 * 1000,
    );
  });

  it('sorts SANs into DNS names and IPs without duplicates', () => {
    expect(
      subjectAltNames(
        ['::1', 'a.example', ' ', 'localhost', '127.0.0.1'],
        'box',
      ),
    ).toEqual({
      dns: [
        'localhost',
        'localhost4',
        'localhost6',
        'localhost.localdomain',
        'box',
        'a.example',
      ],
      ips: ['127.0.0.1', '::1'],
    });
  });
});
