/**
 * `startVaultDev`: composes one instance (compose.ts), builds its request listener
 * (app.ts) and serves it on loopback (by default) behind the LIST-verb rewriting layer.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { pino, type Logger } from 'pino';
import { buildApp, createRing, type InFlight } from './app';
import { createDependencies, StateKeyError } from './compose';
import type { BackendFactory } from './core/backend';
import { ListRewritingSocket } from './core/http/list-verb';
import type { StateFs } from './core/state/state-file';
import { backendFactories } from './engines/registry';
import {
  prepareListenerTls,
  type ListenerTls,
  type VaultDevTlsOptions,
} from './tls/listener-tls';

export interface VaultDevOptions {
  /** 0 = any free port. Default 8200. */
  port?: number;
  /** Default 127.0.0.1: the dev server binds loopback unless told otherwise. */
  host?: string;
  /** Root token id; generated (`hvs.` + 24 base62) when omitted. */
  rootToken?: string;
  /** Keep encrypted state here across restarts; in memory when omitted. */
  dataDir?: string;
  /** Base64 AES-256 key for `dataDir`; generated on first start when omitted. */
  unsealKey?: string;
  /** Address advertised to clients, e.g. the OIDC issuer base (Vault's `api_addr`); default: the listen address. */
  apiAddress?: string;
  /** Injectable clock in epoch milliseconds, so tests need not sleep for TTLs. */
  clock?: () => number;
  logger?: Logger;
  /** How many recent `traceparent` headers to keep (default 256). */
  traceparentRingSize?: number;
  /** How long `stop()` waits for in-flight requests before closing connections (default 5000). */
  shutdownTimeoutMs?: number;
  /** Test seam: the file-system write of a state save (simulates a crash mid-write). */
  stateFs?: StateFs;
  /** Engine registry override (defaults to every engine in the registry). */
  factories?: Record<string, BackendFactory>;
  /**
   * Serve https. `true` or `{ certDir?, sans? }`: like `vault server -dev-tls`, a CA and a
   * server certificate generated into `certDir` (default a new temporary directory) as
   * vault-ca.pem / vault-cert.pem / vault-key.pem, removed on stop; `caCertFile` is the
   * VAULT_CACERT. `{ certFile, keyFile }`: a certificate made elsewhere (a listener's
   * tls_cert_file / tls_key_file), e.g. signed by a test's own CA.
   */
  tls?: VaultDevTlsOptions;
}

export interface VaultDevServer {
  /** Base URL, e.g. `http://127.0.0.1:8200` (`https://` with `tls`). */
  address: string;
  /** With generated TLS (`tls: true | { certDir, sans }`): the CA file to use as VAULT_CACERT. */
  caCertFile?: string;
  /** With generated TLS: the CA certificate (PEM), e.g. for `jwks_ca_pem` or a `vault-ca` ConfigMap. */
  caCertPem?: string;
  host: string;
  port: number;
  rootToken: string;
  /** The key that decrypts `dataDir` (also set in memory mode, for sys/unseal). */
  unsealKey: string;
  /** True when this start generated the unseal key (print it once). */
  unsealKeyGenerated: boolean;
  /** The most recent W3C `traceparent` request headers, oldest first. */
  recentTraceparents(): string[];
  stop(): Promise<void>;
}

export { StateKeyError };

function listen(
  server: net.Server,
  port: number,
  host: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (bounded), then closes every connection. */
function stopServer(deps: {
  tcp: net.Server;
  httpServer: http.Server;
  sockets: Set<net.Socket>;
  inFlight: InFlight;
  timeoutMs: number;
  tls?: ListenerTls;
}): Promise<void> {
  const closed = new Promise<void>((resolve) =>
    deps.tcp.close(() => resolve()),
  );
  deps.httpServer.closeIdleConnections();
  const drained = new Promise<void>((resolve) => {
    if (deps.inFlight.count === 0) return resolve();
    const timer = setTimeout(resolve, deps.timeoutMs);
    timer.unref();
    deps.inFlight.onIdle = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return drained
    .then(() => {
      for (const socket of deps.sockets) socket.destroy();
      return closed;
    })
    .finally(() => deps.tls?.cleanup());
}

/** Starts a Vault-API-compatible development server; resolves once it is listening. */
export async function startVaultDev(
  options: VaultDevOptions = {},
): Promise<VaultDevServer> {
  const host = options.host ?? '127.0.0.1';
  const factories = options.factories ?? backendFactories;
  const logger = options.logger ?? pino({ level: 'silent' });
  let address = '';
  const deps = await createDependencies({
    rootToken: options.rootToken,
    dataDir: options.dataDir,
    unsealKey: options.unsealKey,
    clock: options.clock,
    stateFs: options.stateFs,
    factories,
    apiAddress: () => options.apiAddress ?? address,
  });
  const { core, seal } = deps;

  const ring = createRing(options.traceparentRingSize ?? 256);
  const inFlight: InFlight = { count: 0, onIdle: undefined };
  const httpServer = http.createServer(
    { keepAliveTimeout: 65_000 },
    buildApp(core, {
      logger,
      isSealed: () => seal.info().sealed,
      ring,
      inFlight,
    }),
  );
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const serve = (socket: net.Socket) =>
    httpServer.emit('connection', new ListRewritingSocket(socket));
  let listenerTls: ListenerTls | undefined;
  let tcp: net.Server;
  if (options.tls) {
    listenerTls = prepareListenerTls(options.tls, host);
    // TLS first, then the same LIST rewriting on the decrypted stream. Raw sockets are
    // tracked too, so stop() also closes a connection stuck before its handshake.
    tcp = tls.createServer(
      {
        cert: listenerTls.certPem,
        key: listenerTls.keyPem,
        ALPNProtocols: ['http/1.1'],
        minVersion: 'TLSv1.2',
      },
      (socket) => {
        track(socket);
        serve(socket);
      },
    );
    tcp.on('connection', track);
    tcp.on('tlsClientError', (err: Error) =>
      logger.debug({ err: err.message }, 'TLS handshake failed'),
    );
  } else {
    tcp = net.createServer((socket) => {
      track(socket);
      serve(socket);
    });
  }
  let port: number;
  try {
    port = await listen(tcp, options.port ?? 8200, host);
  } catch (err) {
    listenerTls?.cleanup();
    throw err;
  }
  address = `${listenerTls ? 'https' : 'http'}://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;

  return {
    address,
    caCertFile: listenerTls?.caCertFile,
    caCertPem: listenerTls?.caCertPem,
    host,
    port,
    rootToken: deps.rootToken,
    unsealKey: deps.unsealKey,
    unsealKeyGenerated: deps.unsealKeyGenerated,
    recentTraceparents: () => ring.values(),
    stop: () =>
      stopServer({
        tcp,
        httpServer,
        sockets,
        inFlight,
        timeoutMs: options.shutdownTimeoutMs ?? 5000,
        tls: listenerTls,
      }),
  };
}
