import * as http from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Why the budget refused or cut a request. */
export type BudgetRefusal = 'overloaded' | 'body_timeout';

export interface RequestBudgetOptions {
  /** Requests in flight (after the system routes) beyond which new ones are shed with 503. */
  maxConcurrentRequests: number;
  /**
   * Body bytes reserved by requests in flight (their Content-Length, or `maxBodyBytes` when
   * chunked) beyond which a new request with a body is shed with 503 before a byte of it is read.
   * Each reserved byte costs several in the heap (the raw chunks, the decoded string, the parsed
   * value, the copy forwarded downstream), so this is a fraction of the heap limit.
   */
  maxBodyBytesInFlight: number;
  /** The largest body a request may declare; what a chunked body reserves. */
  maxBodyBytes: number;
  /** A body must be fully received this long after the request arrived, or the request gets 408. */
  bodyTimeoutMs: number;
  /** Requests the budget never sheds (health and readiness probes). */
  exempt?(req: Request): boolean;
  /** Builds the error the app's error handler turns into problem JSON (503 + Retry-After, 408). */
  refuse(reason: BudgetRefusal): Error;
  /** The app's error handler, used when the body deadline passes (the parser still waits for bytes). */
  respond(err: Error, req: Request, res: Response): void;
  /** Counts refusals per reason (a Prometheus counter). */
  onRefused?(reason: BudgetRefusal | 'tenant_share'): void;
  /**
   * The fraction of both ceilings one tenant may hold (default 1/4), so one tenant's flood leaves
   * the rest of the budget to the others; applied by {@link RequestBudget.perTenant}.
   */
  tenantShare?: number;
  /** The error for a tenant over its share (its own doing: 429 + Retry-After). */
  refuseTenant?(): Error;
}

export interface RequestBudget {
  /** Mounted before authentication: the process-wide ceilings and the body deadline. */
  middleware: RequestHandler;
  /** Mounted once the tenant is known (before the body parser): one tenant's share of the ceilings. */
  perTenant(tenantOf: (req: Request, res: Response) => string): RequestHandler;
  /** What is held right now (tests, metrics). */
  inFlight(): { requests: number; bodyBytes: number };
}

/**
 * Bounds what a service holds for requests in flight so one tenant's flood of slow or large
 * uploads cannot exhaust the heap: a ceiling on concurrent requests and on body bytes reserved,
 * both shed with an error (503 + Retry-After) before the body is read, and a deadline for
 * receiving the body (408). A refused request's connection is closed, since its body is unread.
 * @example app.use(createRequestBudget({ maxConcurrentRequests: 256, maxBodyBytesInFlight: 8 << 20, ... }).middleware)
 */
export function createRequestBudget(
  options: RequestBudgetOptions,
): RequestBudget {
  let requests = 0;
  let bodyBytes = 0;

  const middleware: RequestHandler = (
    req: Request,
    res: Response,
    next: NextFunction,
  ) => {
    if (options.exempt?.(req)) {
      next();
      return;
    }
    const declared = declaredBodyBytes(req, options.maxBodyBytes);
    // A body larger than any request may send is the request's own fault: the parser answers 413
    // from the Content-Length alone, reading nothing, so it needs no reservation.
    const reserve = declared > options.maxBodyBytes ? 0 : declared;
    if (
      requests >= options.maxConcurrentRequests ||
      bodyBytes + reserve > options.maxBodyBytesInFlight
    ) {
      options.onRefused?.('overloaded');
      res.setHeader('Connection', 'close');
      next(options.refuse('overloaded'));
      return;
    }
    requests++;
    bodyBytes += reserve;
    let released = false;
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      if (released) return;
      released = true;
      requests--;
      bodyBytes -= reserve;
      if (timer) clearTimeout(timer);
    };
    res.once('close', release);
    res.once('finish', release);
    if (declared > 0 && !req.complete) {
      timer = setTimeout(() => {
        if (req.complete || res.headersSent) return;
        options.onRefused?.('body_timeout');
        res.setHeader('Connection', 'close');
        // The parser is still waiting for the withheld bytes; once the answer is out the socket
        // goes, which ends that wait (the parser's late error finds the headers sent).
        res.once('finish', () => req.socket.destroy());
        options.respond(options.refuse('body_timeout'), req, res);
      }, options.bodyTimeoutMs);
      timer.unref();
      req.once('end', () => clearTimeout(timer));
    }
    next();
  };

  const share = options.tenantShare ?? 0.25;
  const tenantMaxRequests = Math.max(
    1,
    Math.floor(options.maxConcurrentRequests * share),
  );
  const tenantMaxBodyBytes = Math.max(
    options.maxBodyBytes,
    Math.floor(options.maxBodyBytesInFlight * share),
  );
  const tenants = new Map<string, { requests: number; bodyBytes: number }>();

  const perTenant =
    (tenantOf: (req: Request, res: Response) => string): RequestHandler =>
    (req, res, next) => {
      const tenant = tenantOf(req, res);
      const declared = declaredBodyBytes(req, options.maxBodyBytes);
      const reserve = declared > options.maxBodyBytes ? 0 : declared;
      const held = tenants.get(tenant) ?? { requests: 0, bodyBytes: 0 };
      if (
        held.requests >= tenantMaxRequests ||
        held.bodyBytes + reserve > tenantMaxBodyBytes
      ) {
        options.onRefused?.('tenant_share');
        if (declared > 0) res.setHeader('Connection', 'close');
        next(
          options.refuseTenant
            ? options.refuseTenant()
            : options.refuse('overloaded'),
        );
        return;
      }
      held.requests++;
      held.bodyBytes += reserve;
      tenants.set(tenant, held);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.requests--;
        held.bodyBytes -= reserve;
        if (held.requests === 0) tenants.delete(tenant);
      };
      res.once('close', release);
      res.once('finish', release);
      next();
    };

  return { middleware, perTenant, inFlight: () => ({ requests, bodyBytes }) };
}

function declaredBodyBytes(req: Request, maxBodyBytes: number): number {
  if (req.headers['transfer-encoding'] !== undefined) return maxBodyBytes;
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > 0 ? length : 0;
}

export interface ServerTimeouts {
  /** Headers must arrive within this (slowloris); Node's default is 60 s. */
  headersTimeoutMs: number;
  /** The whole request must arrive within this; Node's default is 300 s. */
  requestTimeoutMs: number;
  /**
   * Open connections beyond which Node closes new ones at once, before reading a byte: each
   * connection costs the first chunk it sends (up to 64 KiB) however fast its request is shed.
   */
  maxConnections: number;
}

/** Node's defaults are far too patient for an API whose bodies are at most 256 KiB. */
export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 192,
};

/**
 * An HTTP server with header and request deadlines that Node enforces itself (408 and close),
 * checked every second instead of Node's default 30 s.
 * @example createBoundedServer(app, DEFAULT_SERVER_TIMEOUTS).listen(port, host)
 */
export function createBoundedServer(
  app: http.RequestListener,
  timeouts: ServerTimeouts = DEFAULT_SERVER_TIMEOUTS,
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    app,
  );
  server.maxConnections = timeouts.maxConnections;
  return server;
}
