import * as http from 'node:http';
import * as https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import {
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
} from '@opentelemetry/api';
import { VaultResponseError, VaultUnavailableError } from './errors';

/**
 * The one file that owns the wire: `/v1`, `X-Vault-Token`, `X-Vault-Request`,
 * namespace, keep-alive agents, per-request timeout, retries, the single error parser,
 * a span per call, and snake_case → camelCase.
 */

/** `LIST` is always sent as `GET ?list=true` (Node's HTTP parser rejects the LIST verb). */
export type VaultMethod = 'GET' | 'LIST' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface VaultRequest {
  method: VaultMethod;
  /** Logical path without `/v1/`, e.g. `secret/data/tenants/default/seed`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Client token; the authenticated caller sets it, never the engines. */
  token?: string;
  /** Ask Vault to response-wrap the answer (`X-Vault-Wrap-TTL`). */
  wrapTtlSeconds?: number;
  /** Safe to repeat after a network error or 5xx. Defaults to true for GET/LIST/DELETE. */
  idempotent?: boolean;
  /** Statuses returned as data instead of thrown (sys/health, KV soft-delete 404s). */
  okStatuses?: readonly number[];
  /** Send no token even when the client has one (login, unwrap with the wrapping token). */
  unauthenticated?: boolean;
  /** Span/log name; defaults to `<method> <mount>`. */
  operation?: string;
  /**
   * Cancels the call (the caller went away or its deadline passed): the HTTP request is aborted
   * and no retry follows; the call rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface VaultHttpResponse {
  status: number;
  /** Parsed JSON body, the raw text when not JSON, or undefined when empty (204). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Vault bodies are decoded by the engines
}

/** What the client needs from a transport; inject another one to observe or fault the wire. */
export interface Transport {
  send(request: VaultRequest): Promise<VaultHttpResponse>;
  close(): void;
}

export interface RetryOptions {
  /** Total attempts including the first (default 3). */
  maxAttempts?: number;
  /** First backoff delay (default 100 ms), doubled per attempt with jitter. */
  baseDelayMs?: number;
  /** Backoff ceiling (default 2000 ms). */
  maxDelayMs?: number;
}

export type VaultLogger = Pick<Console, 'info' | 'warn' | 'error' | 'debug'>;

export interface TransportOptions {
  address: string;
  namespace?: string;
  timeoutMs?: number;
  caCertPem?: string;
  retry?: RetryOptions;
  logger?: VaultLogger;
  /** Injectable for tests: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const UPGRADING = 'Upgrading from non-versioned to versioned data';
// sys/health and seal-status are root-only; namespace headers there give 404 (hashicorp/vault#14934).
const ROOT_ONLY_PATHS = /^sys\/(health|seal-status|leader)$/;

/** Creates the axios-based transport with keep-alive agents (one per client, shared by its views). */
export function createHttpTransport(options: TransportOptions): Transport {
  const base = parseAddress(options.address);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 3);
  const baseDelayMs = options.retry?.baseDelayMs ?? 100;
  const maxDelayMs = options.retry?.maxDelayMs ?? 2000;
  const random = options.random ?? Math.random;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 64,
    ca: options.caCertPem,
  });
  const ax: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    // A proxy from the environment must not silently sit between us and Vault.
    proxy: false,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(d: unknown) => d],
    validateStatus: () => true,
  });
  const tracer = trace.getTracer('@secret-flows/vault-client');

  async function attempt(
    req: VaultRequest,
    span: Span,
  ): Promise<VaultHttpResponse> {
    const isList = req.method === 'LIST';
    const params = {
      ...(req.query ?? {}),
      ...(isList ? { list: 'true' } : {}),
    };
    const headers = headersFor(req, options.namespace);
    // W3C traceparent of this call's CLIENT span, so Vault (or a proxy in front of it) joins the
    // caller's trace (docs/architecture.md, "Observability"); a no-op when no propagator is registered.
    propagation.inject(trace.setSpan(context.active(), span), headers);
    const res = await ax.request({
      method: isList ? 'GET' : req.method,
      url: `${base}/v1/${encodePath(req.path)}`,
      params,
      data: req.body === undefined ? undefined : JSON.stringify(req.body),
      headers,
      // An idle-socket timeout armed by axios: a per-request AbortSignal.timeout cost ~25 % more
      // client CPU in bench/kv-read.bench.ts. A silent Vault still fails after timeoutMs.
      timeout: timeoutMs,
      signal: req.signal,
    });
    return { status: res.status, body: parseBody(res.data as string) };
  }

  async function send(req: VaultRequest): Promise<VaultHttpResponse> {
    const mount = mountOf(req.path);
    const operation = req.operation ?? `${req.method} ${mount}`;
    const span = tracer.startSpan(
      `vault ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'vault.operation': operation,
          'vault.mount': mount,
          'http.request.method': req.method,
        },
      },
      context.active(),
    );
    try {
      const res = await withRetries(req, operation, mount, span);
      span.setAttribute('http.response.status_code', res.status);
      return res;
    } catch (error) {
      // Only the error class and status: messages name paths, which may name tenants.
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: (error as Error).name,
      });
      const status = (error as { status?: number }).status;
      if (status !== undefined)
        span.setAttribute('http.response.status_code', status);
      throw error;
    } finally {
      span.end();
    }
  }

  async function withRetries(
    req: VaultRequest,
    operation: string,
    mount: string,
    span: Span,
  ): Promise<VaultHttpResponse> {
    const idempotent =
      req.idempotent ??
      (req.method === 'GET' ||
        req.method === 'LIST' ||
        req.method === 'DELETE');
    for (let n = 1; ; n++) {
      let failure: { error: Error; safeToRepeat: boolean };
      req.signal?.throwIfAborted();
      try {
        const res = await attempt(req, span);
        if (
          (res.status >= 200 && res.status < 300) ||
          req.okStatuses?.includes(res.status)
        )
          return res;
        failure = classifyStatus(req, res, idempotent, n);
      } catch (error) {
        // A cancelled call is not a Vault failure: nothing to retry, nothing to count.
        req.signal?.throwIfAborted();
        failure = classifyNetworkError(req, error, idempotent, n, timeoutMs);
      }
      if (!failure.safeToRepeat || n >= maxAttempts) throw failure.error;
      span.setAttribute('vault.attempts', n + 1);
      const delay =
        Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)) *
        (0.5 + random() * 0.5);
      options.logger?.warn(
        { mount, operation, attempt: n, reason: failure.error.name },
        'Vault request failed, retrying',
      );
      await sleep(delay);
    }
  }

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function classifyStatus(
  req: VaultRequest,
  res: VaultHttpResponse,
  idempotent: boolean,
  attempts: number,
) {
  const errors = errorList(res.body);
  const warnings = Array.isArray(res.body?.warnings)
    ? (res.body.warnings as string[])
    : [];
  const upgrading =
    res.status === 400 && errors.some((e) => e.includes(UPGRADING));
  if (res.status >= 500 || res.status === 429 || upgrading) {
    // 429 and the KV upgrade 400 are refusals before any work, so even a POST may repeat.
    const error = upgrading
      ? new VaultResponseError({
          status: res.status,
          errors,
          path: req.path,
          warnings,
          method: req.method,
        })
      : new VaultUnavailableError({
          path: req.path,
          status: res.status,
          attempts,
          reason: `HTTP ${res.status}${errors.length ? ` (${errors.join('; ')})` : ''}`,
        });
    return {
      error,
      safeToRepeat: idempotent || res.status === 429 || upgrading,
    };
  }
  const data =
    res.body && typeof res.body === 'object' && 'data' in res.body
      ? res.body.data
      : undefined;
  return {
    error: new VaultResponseError({
      status: res.status,
      errors,
      path: req.path,
      warnings,
      data,
      method: req.method,
    }),
    safeToRepeat: false,
  };
}

function classifyNetworkError(
  req: VaultRequest,
  error: unknown,
  idempotent: boolean,
  attempts: number,
  timeoutMs: number,
) {
  const code = (error as { code?: string }).code ?? '';
  const timedOut =
    code === 'ERR_CANCELED' || code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const reason = timedOut
    ? `timed out after ${timeoutMs} ms`
    : code || (error as Error).message;
  // A refused connection never reached Vault, so repeating it is safe for any method.
  const safeToRepeat = idempotent || code === 'ECONNREFUSED';
  return {
    error: new VaultUnavailableError({
      path: req.path,
      reason,
      attempts,
      cause: error,
    }),
    safeToRepeat,
  };
}

function headersFor(
  req: VaultRequest,
  namespace: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
  if (req.token && !req.unauthenticated) headers['X-Vault-Token'] = req.token;
  if (namespace && !ROOT_ONLY_PATHS.test(req.path))
    headers['X-Vault-Namespace'] = namespace;
  if (req.wrapTtlSeconds)
    headers['X-Vault-Wrap-TTL'] = `${req.wrapTtlSeconds}s`;
  if (req.body !== undefined) {
    headers['Content-Type'] =
      req.method === 'PATCH'
        ? 'application/merge-patch+json'
        : 'application/json';
  }
  return headers;
}

function parseAddress(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new TypeError(`Vault address is not a URL: ${address}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`Vault address must be http(s): ${address}`);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function encodePath(path: string): string {
  return path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}

function parseBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorList(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.map(String) : [];
}

/** The mount a logical path addresses, for spans and logs (`auth/approle`, `secret`, `sys`). */
export function mountOf(path: string): string {
  const parts = path.replace(/^\/+/, '').split('/');
  return parts[0] === 'auth' && parts.length > 1
    ? `auth/${parts[1]}`
    : parts[0];
}

/**
 * Converts snake_case keys to camelCase, deeply, except under `opaqueKeys` whose values
 * are user data (KV data, metadata maps) and are copied as they are.
 */
export function camelize<T = Record<string, unknown>>(
  value: unknown,
  opaqueKeys: readonly string[] = [],
): T {
  if (Array.isArray(value))
    return value.map((v) => camelize(v, opaqueKeys)) as T;
  if (value === null || typeof value !== 'object') return value as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] =
      opaqueKeys.includes(key) ? v : camelize(v, opaqueKeys);
  }
  return out as T;
}
