import {
  DEFAULT_RETRY_AFTER_SECONDS,
  REQUEST_ID_HEADER,
} from '@secret-flows/contracts';
import {
  SecretFlowsError,
  asProblem,
  codeForStatus,
  parseRetryAfter,
} from './errors';

/** The subset of the platform's `fetch` the SDK uses (Node 20+ and browsers have it). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Waits `ms`, or rejects with the signal's reason as soon as it is aborted. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What the SDK reports for every HTTP answer it receives (also the failed and retried ones). */
export interface ResponseInfo {
  operation: string;
  method: string;
  /** The path called on the gateway, without query string. */
  path: string;
  status: number;
  requestId?: string;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
}

export interface TransportOptions {
  fetch: FetchLike;
  clock: () => number;
  sleep: Sleep;
  /** Retries of a safe call after 429, 503 or a network failure. */
  maxRetries: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once. */
  maxRetryDelayMs: number;
  onResponse?: (info: ResponseInfo) => void;
}

export interface HttpRequest {
  operation: string;
  method: string;
  baseUrl: string;
  path: string;
  query?: Record<string, string | number | undefined>;
  headers: Record<string, string>;
  body?: unknown;
  /** Whether 429/503/network failures may be retried (safe methods only). */
  retry: boolean;
  signal?: AbortSignal;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  requestId?: string;
}

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Waits for `promise` but gives up (with the signal's reason) when `signal` aborts first. */
export function raceAbort<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

// Backoff after a network failure (no Retry-After to honour): 200 ms, 400 ms, 800 ms...
const NETWORK_BACKOFF_MS = 200;

/** One HTTP exchange with the platform: problem JSON to SecretFlowsError, bounded retries, abort. */
export function createTransport(options: TransportOptions) {
  async function send(req: HttpRequest): Promise<HttpResult> {
    const url = req.baseUrl + req.path + queryString(req.query);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...req.headers,
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    for (let attempt = 0; ; attempt++) {
      req.signal?.throwIfAborted();
      const canRetry = req.retry && attempt < options.maxRetries;
      let res: Response;
      try {
        res = await options.fetch(url, {
          method: req.method.toUpperCase(),
          headers,
          body,
          signal: req.signal,
          // Credentials travel in headers only; never cookies of the gateway's origin.
          credentials: 'omit',
        });
      } catch (err) {
        req.signal?.throwIfAborted();
        if (canRetry) {
          await options.sleep(NETWORK_BACKOFF_MS * 2 ** attempt, req.signal);
          continue;
        }
        throw new SecretFlowsError({
          code: 'service_unavailable',
          status: 0,
          detail: `no answer from the gateway (${(err as Error).message})`,
          operation: req.operation,
          cause: err,
        });
      }
      const result = await readResult(res, req.signal);
      options.onResponse?.({
        operation: req.operation,
        method: req.method.toUpperCase(),
        path: req.path,
        status: result.status,
        requestId: result.requestId,
        attempt,
      });
      if (res.ok) return result;
      const error = toError(req.operation, result, options.clock());
      const retryable = result.status === 429 || result.status === 503;
      if (retryable && canRetry) {
        const delayMs =
          (error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000;
        if (delayMs <= options.maxRetryDelayMs) {
          await options.sleep(delayMs, req.signal);
          continue;
        }
      }
      throw error;
    }
  }
  return { send };
}

export type Transport = ReturnType<typeof createTransport>;

async function readResult(
  res: Response,
  signal?: AbortSignal,
): Promise<HttpResult> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    signal?.throwIfAborted();
    throw err;
  }
  let body: unknown = undefined;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const problem = asProblem(body);
  const requestId =
    res.headers.get(REQUEST_ID_HEADER) ?? problem?.requestId ?? undefined;
  return { status: res.status, headers: res.headers, body, requestId };
}

function toError(
  operation: string,
  result: HttpResult,
  nowMs: number,
): SecretFlowsError {
  const problem = asProblem(result.body);
  const retryAfterSeconds = parseRetryAfter(
    result.headers.get('retry-after'),
    nowMs,
  );
  return new SecretFlowsError({
    code: problem?.code ?? codeForStatus(result.status),
    status: result.status,
    detail: problem?.detail ?? problem?.title ?? foreignDetail(result),
    requestId: result.requestId,
    retryAfterSeconds,
    problem,
    operation,
  });
}

// The gateway's own answers ({"message": ...}, {"error_msg": ...}) and Vault's ({"errors": [...]}).
function foreignDetail(result: HttpResult): string {
  const body = result.body;
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    if (typeof b['message'] === 'string') return b['message'];
    if (typeof b['error_msg'] === 'string') return b['error_msg'];
    if (Array.isArray(b['errors']) && typeof b['errors'][0] === 'string')
      return b['errors'][0];
  }
  if (typeof body === 'string' && body.length > 0 && body.length <= 200)
    return body.trim();
  return `HTTP ${result.status}`;
}

function queryString(
  query: Record<string, string | number | undefined> | undefined,
): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
