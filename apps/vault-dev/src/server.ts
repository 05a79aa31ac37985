/**
 * `startVaultDev`: loads or creates the state, builds the core, and serves it over
 * HTTP on loopback (by default) behind the LIST-verb rewriting layer.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { pino, type Logger } from 'pino';
import { VaultError, type BackendFactory } from './core/backend';
import { EarlyReply, toVaultRequest } from './core/http/vault-request';
import { ListRewritingSocket } from './core/http/list-verb';
import { errorReply, sendReply, type Reply } from './core/http/reply';
import { mountTtls } from './core/mounts/mount-table';
import { createFilePersistence, createMemoryPersistence, type Persistence } from './core/state/persistence';
import { parseUnsealKey, readStateFile, removeStaleTempFiles, StateKeyError, stateFileExists, type StateFs } from './core/state/state-file';
import type { VaultState } from './core/state/vault-state';
import { createSealControl } from './core/sys/sys.backend';
import { createVaultCore, initialState, type VaultCore } from './core/vault-core';
import { randomBase62, uuid } from './core/util/ids';
import { backendFactories } from './engines/registry';
import { randomBytes } from 'node:crypto';

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
}

export interface VaultDevServer {
  /** Base URL, e.g. `http://127.0.0.1:8200`. */
  address: string;
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

interface LoadedState {
  state: VaultState;
  key: Buffer;
  keyGenerated: boolean;
  persistence: (snapshot: () => string) => Persistence;
}

function loadState(options: VaultDevOptions, rootToken: string, factories: Record<string, BackendFactory>): LoadedState {
  const givenKey = options.unsealKey ? parseUnsealKey(options.unsealKey) : undefined;
  if (!options.dataDir) {
    return { state: initialState(rootToken, factories), key: givenKey ?? randomBytes(32), keyGenerated: !givenKey, persistence: () => createMemoryPersistence() };
  }
  const dir = options.dataDir;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeStaleTempFiles(dir);
  const make = (key: Buffer) => (snapshot: () => string) => createFilePersistence({ dir, key, snapshot, fs: options.stateFs });
  if (stateFileExists(dir)) {
    if (!givenKey) {
      throw new StateKeyError(`${dir} holds encrypted vault-dev state: supply the unseal key printed on its first start (VAULT_DEV_UNSEAL_KEY)`);
    }
    const plaintext = readStateFile(dir, givenKey) as Buffer;
    return { state: JSON.parse(plaintext.toString('utf8')) as VaultState, key: givenKey, keyGenerated: false, persistence: make(givenKey) };
  }
  const key = givenKey ?? randomBytes(32);
  return { state: initialState(rootToken, factories), key, keyGenerated: !givenKey, persistence: make(key) };
}

function ensureRootToken(core: VaultCore, id: string): void {
  if (core.internals.tokens.get(id)) return;
  const limits = mountTtls(undefined);
  core.internals.tokens.create({
    id,
    policies: ['root'],
    displayName: 'root',
    path: 'auth/token/root',
    renewable: false,
    ttlSeconds: 0,
    noExpiry: true,
    mountDefaultSeconds: limits.defaultTtlSeconds,
    mountMaxSeconds: limits.maxTtlSeconds,
  });
}

function createRing(size: number): { push(v: string): void; values(): string[] } {
  const items: string[] = [];
  return {
    push(v) {
      items.push(v);
      if (items.length > size) items.shift();
    },
    values: () => [...items],
  };
}

const NO_SEAL_CHECK = new Set(['/v1/sys/health', '/v1/sys/seal-status', '/v1/sys/unseal']);

interface InFlight {
  count: number;
  onIdle: (() => void) | undefined;
}

function createHandler(
  core: VaultCore,
  deps: { logger: Logger; isSealed: () => boolean; ring: { push(v: string): void }; inFlight: InFlight },
): http.RequestListener {
  return (req, res) => {
    const requestId = uuid();
    deps.inFlight.count += 1;
    res.once('close', () => {
      deps.inFlight.count -= 1;
      if (deps.inFlight.count === 0) deps.inFlight.onIdle?.();
    });
    const traceparent = req.headers['traceparent'];
    if (typeof traceparent === 'string') deps.ring.push(traceparent);
    const pathOnly = (req.url ?? '').split('?')[0];
    deps.logger.debug({ requestId, method: req.method, path: pathOnly, traceparent }, 'request');
    const respond = (reply: Reply, isHead: boolean): void => sendReply(res, reply, isHead);
    void (async () => {
      try {
        if (deps.isSealed() && !NO_SEAL_CHECK.has(pathOnly.replace(/\/$/, ''))) throw new VaultError(503, ['Vault is sealed']);
        const vreq = await toVaultRequest(req);
        respond(await core.handle(vreq, requestId), vreq.isHead);
      } catch (err) {
        if (err instanceof EarlyReply) return respond({ status: err.status, body: err.body ?? undefined, headers: err.headers }, false);
        if (err instanceof VaultError) return respond(errorReply(err), req.method === 'HEAD');
        // Never echo internals: the detail goes to the log, the client gets a generic 500.
        deps.logger.error({ requestId, err: (err as Error).message, path: pathOnly }, 'internal error');
        respond({ status: 500, body: { errors: ['1 error occurred:\n\t* internal error\n\n'] } }, false);
      }
    })();
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (bounded), then closes every connection. */
function stopServer(deps: { tcp: net.Server; httpServer: http.Server; sockets: Set<net.Socket>; inFlight: InFlight; timeoutMs: number }): Promise<void> {
  const closed = new Promise<void>((resolve) => deps.tcp.close(() => resolve()));
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
  return drained.then(() => {
    for (const socket of deps.sockets) socket.destroy();
    return closed;
  });
}

/** Starts a Vault-API-compatible development server; resolves once it is listening. */
export async function startVaultDev(options: VaultDevOptions = {}): Promise<VaultDevServer> {
  const host = options.host ?? '127.0.0.1';
  const factories = options.factories ?? backendFactories;
  const logger = options.logger ?? pino({ level: 'silent' });
  const loaded = loadState(options, options.rootToken ?? `hvs.${randomBase62(24)}`, factories);
  const state = loaded.state;
  if (options.rootToken) state.rootTokenId = options.rootToken;
  const unsealKey = loaded.key.toString('base64');
  const seal = createSealControl({ unsealKey, clusterName: 'vault-dev-cluster', clusterId: uuid(), storageType: options.dataDir ? 'file' : 'inmem' });
  let address = '';
  const persistence = loaded.persistence(() => JSON.stringify(state));
  const core = createVaultCore({ state, now: options.clock ?? Date.now, persistence, factories, apiAddress: () => options.apiAddress ?? address, seal });
  ensureRootToken(core, state.rootTokenId);
  await persistence.persist();

  const ring = createRing(options.traceparentRingSize ?? 256);
  const inFlight: InFlight = { count: 0, onIdle: undefined };
  const httpServer = http.createServer({ keepAliveTimeout: 65_000 }, createHandler(core, { logger, isSealed: () => seal.info().sealed, ring, inFlight }));
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    httpServer.emit('connection', new ListRewritingSocket(socket));
  });
  const port = await listen(tcp, options.port ?? 8200, host);
  address = `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;

  return {
    address,
    host,
    port,
    rootToken: state.rootTokenId,
    unsealKey,
    unsealKeyGenerated: loaded.keyGenerated,
    recentTraceparents: () => ring.values(),
    stop: () => stopServer({ tcp, httpServer, sockets, inFlight, timeoutMs: options.shutdownTimeoutMs ?? 5000 }),
  };
}
