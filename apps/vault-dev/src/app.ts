/**
 * `buildApp(deps)`: the HTTP request listener in front of the core (seal check,
 * traceparent ring, error rendering). It never listens; server.ts does.
 */
import type * as http from 'node:http';
import type { Logger } from 'pino';
import { VaultError } from './core/backend';
import { errorReply, sendReply, type Reply } from './core/http/reply';
import { EarlyReply, toVaultRequest } from './core/http/vault-request';
import { uuid } from './core/util/ids';
import type { VaultCore } from './core/vault-core';

export function createRing(size: number): {
  push(v: string): void;
  values(): string[];
} {
  const items: string[] = [];
  return {
    push(v) {
      items.push(v);
      if (items.length > size) items.shift();
    },
    values: () => [...items],
  };
}

// Vault's http/handler.go serves these outside the sealed check: sys/init reads the barrier's
// init flag, and sys/leader answers ha_enabled false before Core.Leader looks at the seal (ha.go).
const NO_SEAL_CHECK = new Set([
  '/v1/sys/health',
  '/v1/sys/seal-status',
  '/v1/sys/unseal',
  '/v1/sys/init',
  '/v1/sys/leader',
]);

export interface InFlight {
  count: number;
  onIdle: (() => void) | undefined;
}

/** The request listener for one vault-dev instance. */
export function buildApp(
  core: VaultCore,
  deps: {
    logger: Logger;
    isSealed: () => boolean;
    ring: { push(v: string): void };
    inFlight: InFlight;
  },
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
    deps.logger.debug(
      { requestId, method: req.method, path: pathOnly, traceparent },
      'request',
    );
    const respond = (reply: Reply, isHead: boolean): void =>
      sendReply(res, reply, isHead);
    void (async () => {
      try {
        if (deps.isSealed() && !NO_SEAL_CHECK.has(pathOnly.replace(/\/$/, '')))
          throw new VaultError(503, ['Vault is sealed']);
        const vreq = await toVaultRequest(req);
        respond(await core.handle(vreq, requestId), vreq.isHead);
      } catch (err) {
        if (err instanceof EarlyReply)
          return respond(
            {
              status: err.status,
              body: err.body ?? undefined,
              headers: err.headers,
            },
            false,
          );
        if (err instanceof VaultError)
          return respond(errorReply(err), req.method === 'HEAD');
        // Never echo internals: the detail goes to the log, the client gets a generic 500.
        deps.logger.error(
          { requestId, err: (err as Error).message, path: pathOnly },
          'internal error',
        );
        respond(
          {
            status: 500,
            body: { errors: ['1 error occurred:\n\t* internal error\n\n'] },
          },
          false,
        );
      }
    })();
  };
}
