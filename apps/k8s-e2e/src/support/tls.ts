import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Certificate {
  caPem: string;
  certPem: string;
  keyPem: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * A private CA and a server certificate signed by it for `sans` (e.g. `IP:127.0.0.1`,
 * `DNS:localhost`), made with the openssl command line in `dir` (mode 0700). ECDSA P-256, one day.
 */
export function makeServerCertificate(
  dir: string,
  name: string,
  sans: string[],
): Certificate {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string) => path.join(dir, `${name}-${n}`);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    });
  openssl(
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    f('ca.key'),
  );
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    f('ca.key'),
    '-sha256',
    '-days',
    '1',
    '-subj',
    `/CN=${name} test CA`,
    '-out',
    f('ca.crt'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    f('tls.key'),
  );
  openssl(
    'req',
    '-new',
    '-key',
    f('tls.key'),
    '-subj',
    `/CN=${name}`,
    '-out',
    f('tls.csr'),
  );
  fs.writeFileSync(
    f('ext.cnf'),
    `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    f('tls.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('tls.crt'),
  );
  const read = (n: string) => fs.readFileSync(f(n), 'utf8');
  return {
    caPem: read('ca.crt'),
    certPem: read('tls.crt'),
    keyPem: read('tls.key'),
    caFile: f('ca.crt'),
    certFile: f('tls.crt'),
    keyFile: f('tls.key'),
  };
}
