/**
 * Certificates for vault-dev's TLS mode, as `vault server -dev-tls` makes them: a CA of
 * its own and a server certificate it signs, for `localhost`, `localhost4`, `localhost6`,
 * `localhost.localdomain`, the host name and 127.0.0.1, plus any `-dev-tls-san` (the
 * `dev-tls-san` flag's usage text in hashicorp/vault command/server.go). Node 20 has no
 * X.509 creation API, so node-forge (pure JS, no dependencies) builds and signs them;
 * the RSA keys come from node:crypto (docs/adr/0002-vault-dev-scope-and-fidelity.md).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as forge from 'node-forge';

export interface DevCertificates {
  /** The CA certificate (PEM): what a client trusts (`VAULT_CACERT`, `jwks_ca_pem`). */
  caCertPem: string;
  /** The CA's private key (PEM): only for signing more certificates in tests. */
  caKeyPem: string;
  /** The server certificate (PEM), signed by the CA. */
  certPem: string;
  /** The server certificate's private key (PKCS#8 PEM). */
  keyPem: string;
}

export interface DevCertificateOptions {
  /** Extra subject alternative names: IP addresses or DNS names (`-dev-tls-san`). */
  sans?: string[];
  /** Subject common name of the server certificate (default `localhost`). */
  commonName?: string;
  /** Validity start (default now); the certificates are valid for one year. */
  now?: Date;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Vault's fixed dev-TLS names (`-dev-tls-san` usage text); the host name is added at run time. */
const FIXED_DNS = [
  'localhost',
  'localhost4',
  'localhost6',
  'localhost.localdomain',
];

function rsaKeys(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return {
    privateKey: key,
    publicKey: forge.pki.setRsaPublicKey(key.n, key.e),
    pem,
  };
}

/** A positive 128-bit serial number in hex (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

/** Splits SANs into DNS names and IP addresses, dropping duplicates (order kept). */
export function subjectAltNames(
  extra: readonly string[],
  hostname = os.hostname(),
): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = ['127.0.0.1'];
  for (const raw of [...FIXED_DNS, hostname, ...extra]) {
    const san = raw.trim();
    if (san === '') continue;
    const target = net.isIP(san) ? ips : dns;
    if (!target.includes(san)) target.push(san);
  }
  return { dns, ips };
}

/** Generates a CA and a server certificate signed by it (about 0.2 s: two RSA-2048 keys). */
export function createDevCertificates(
  options: DevCertificateOptions = {},
): DevCertificates {
  const notBefore = new Date((options.now ?? new Date()).getTime() - 60_000);
  const notAfter = new Date(notBefore.getTime() + YEAR_MS);

  const caKeys = rsaKeys();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caName = [{ name: 'commonName', value: 'vault-dev CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    {
      name: 'keyUsage',
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: true,
      critical: true,
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = serverKeys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([
    { name: 'commonName', value: options.commonName ?? 'localhost' },
  ]);
  cert.setIssuer(caName);
  const { dns, ips } = subjectAltNames(options.sans ?? []);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes(),
    },
    {
      name: 'subjectAltName',
      altNames: [
        ...dns.map((value) => ({ type: 2, value })),
        ...ips.map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(ca),
    caKeyPem: caKeys.pem,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: serverKeys.pem,
  };
}
