/**
 * The listener's TLS material: generated like `vault server -dev-tls` (a CA and a server
 * certificate written to `-dev-tls-cert-dir` or a new temporary directory, removed again
 * on stop), or read from existing files like a real listener's `tls_cert_file` /
 * `tls_key_file`, so a test can serve a certificate from a CA it made itself.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDevCertificates } from './dev-certificates';

/** hashicorp/vault command/server/config.go: VaultDevCAFilename, VaultDevCertFilename, VaultDevKeyFilename. */
export const DEV_CA_FILENAME = 'vault-ca.pem';
export const DEV_CERT_FILENAME = 'vault-cert.pem';
export const DEV_KEY_FILENAME = 'vault-key.pem';

/** `-dev-tls`: generate a CA and a server certificate. */
export interface DevTlsOptions {
  /** `-dev-tls-cert-dir`: an existing directory for the files; default a new temporary one. */
  certDir?: string;
  /** `-dev-tls-san`: extra DNS names or IP addresses for the server certificate. */
  sans?: string[];
}

/** A listener's `tls_cert_file` / `tls_key_file`: PEM files made elsewhere. */
export interface TlsFilesOptions {
  /** Server certificate, optionally followed by its intermediates (PEM). */
  certFile: string;
  /** Its private key (PEM). */
  keyFile: string;
}

export type VaultDevTlsOptions = true | DevTlsOptions | TlsFilesOptions;

export interface ListenerTls {
  certPem: string;
  keyPem: string;
  /** The generated CA's file (the `VAULT_CACERT` to print); undefined for given files. */
  caCertFile?: string;
  /** The generated CA (PEM); undefined for given files. */
  caCertPem?: string;
  /** Removes generated files (and a temporary directory this start made); idempotent. */
  cleanup(): void;
}

export function isTlsFiles(
  options: VaultDevTlsOptions,
): options is TlsFilesOptions {
  return (
    typeof options === 'object' &&
    ('certFile' in options || 'keyFile' in options)
  );
}

/** Reads or generates the listener's certificate; `listenHost` joins the SANs as Vault does. */
export function prepareListenerTls(
  options: VaultDevTlsOptions,
  listenHost: string,
): ListenerTls {
  if (isTlsFiles(options)) {
    if (!options.certFile || !options.keyFile)
      throw new Error('TLS needs both a certificate file and a key file');
    return {
      certPem: fs.readFileSync(options.certFile, 'utf8'),
      keyPem: fs.readFileSync(options.keyFile, 'utf8'),
      cleanup: () => undefined,
    };
  }
  const dev = options === true ? {} : options;
  let certDir: string;
  let madeDir = false;
  if (dev.certDir) {
    // Vault stats the directory and refuses to start when it is missing (configureDevTLS).
    if (!fs.statSync(dev.certDir).isDirectory())
      throw new Error(`${dev.certDir} is not a directory`);
    certDir = dev.certDir;
  } else {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-tls'));
    madeDir = true;
  }
  // 127.0.0.1 is already a SAN; an empty or wildcard host needs -dev-tls-san (configureDevTLS).
  const sans = [...(dev.sans ?? [])];
  if (listenHost !== '' && listenHost !== '127.0.0.1') sans.push(listenHost);
  const made = createDevCertificates({ sans });
  const files = {
    ca: path.join(certDir, DEV_CA_FILENAME),
    cert: path.join(certDir, DEV_CERT_FILENAME),
    key: path.join(certDir, DEV_KEY_FILENAME),
  };
  fs.writeFileSync(files.ca, made.caCertPem, { mode: 0o644 });
  fs.writeFileSync(files.cert, made.certPem, { mode: 0o644 });
  fs.writeFileSync(files.key, made.keyPem, { mode: 0o600 });
  let cleaned = false;
  return {
    certPem: made.certPem,
    keyPem: made.keyPem,
    caCertFile: files.ca,
    caCertPem: made.caCertPem,
    cleanup() {
      if (cleaned) return;
      cleaned = true;
      for (const file of Object.values(files)) fs.rmSync(file, { force: true });
      if (madeDir) fs.rmSync(certDir, { recursive: true, force: true });
    },
  };
}
