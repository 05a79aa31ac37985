import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A throwaway CA and a server certificate it signed (DNS:localhost), made with openssl. */
export interface TlsFixture {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** Creates a CA and a `localhost` server certificate in a fresh temporary directory. */
export function createTlsFixture(name = 'ca'): TlsFixture {
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), `gateway-dev-tls-${name}-`),
  );
  const ec = [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
  ];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      `/CN=${name} test CA`,
    ],
    dir,
  );
  openssl(
    [
      'req',
      ...ec,
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    ],
    dir,
  );
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ],
    dir,
  );
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    serverCert: fs.readFileSync(path.join(dir, 'server.crt'), 'utf8'),
    serverKey: fs.readFileSync(path.join(dir, 'server.key'), 'utf8'),
  };
}

/** An https echo server on 127.0.0.1:0 that also reports the SNI and Host it was sent. */
export async function startHttpsEcho(fixture: TlsFixture) {
  const seen: {
    servername: string | false | null;
    host: string | undefined;
    url: string;
  }[] = [];
  const server = https.createServer(
    { cert: fixture.serverCert, key: fixture.serverKey },
    (req, res) => {
      const servername = (req.socket as TLSSocket).servername;
      seen.push({ servername, host: req.headers.host, url: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ servername, host: req.headers.host, url: req.url }),
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
