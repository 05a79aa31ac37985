import {
  ERROR_CODES,
  type ErrorCode,
  type Problem,
  type ProblemFieldError,
} from '@secret-flows/contracts';

export interface SecretFlowsErrorInit {
  code: ErrorCode;
  /** HTTP status; 0 when no response arrived (network failure). */
  status: number;
  detail: string;
  /** The request id the platform answered with (problem body or X-Request-Id header). */
  requestId?: string;
  /** Seconds the server asked to wait (Retry-After), for 429 and 503. */
  retryAfterSeconds?: number;
  /** The problem JSON body, when the answer was one. */
  problem?: Problem;
  /** The SDK operation that failed, e.g. `keys.create`. */
  operation: string;
  cause?: unknown;
}

/**
 * Every failure of an SDK call except cancellation (which rejects with the platform's
 * `AbortError`). `code` is the platform's closed error union (ADR 0004), so applications can
 * `switch` on it; answers that are not problem JSON (the gateway's own 401/429/502, Vault's
 * login errors) are mapped to the code of their status.
 */
export class SecretFlowsError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  readonly problem?: Problem;
  readonly operation: string;
  /** Field-level problems of a `validation_failed` answer. */
  readonly errors?: ProblemFieldError[];
  override readonly cause?: unknown;

  constructor(init: SecretFlowsErrorInit) {
    super(
      `${init.operation}: ${init.code} (HTTP ${init.status}): ${init.detail}` +
        (init.requestId ? ` [request ${init.requestId}]` : ''),
    );
    this.name = 'SecretFlowsError';
    this.code = init.code;
    this.status = init.status;
    this.detail = init.detail;
    this.operation = init.operation;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.problem !== undefined) {
      this.problem = init.problem;
      if (init.problem.errors) this.errors = init.problem.errors;
    }
    if (init.cause !== undefined) this.cause = init.cause;
  }
}

/** True when `err` is a SecretFlowsError, optionally of one of `codes`. */
export function isSecretFlowsError(
  err: unknown,
  ...codes: ErrorCode[]
): err is SecretFlowsError {
  if (!(err instanceof SecretFlowsError)) return false;
  return codes.length === 0 || codes.includes(err.code);
}

/** The code an answer that is not problem JSON stands for, by its status. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'service_unavailable';
    default:
      return status >= 400 && status < 500 ? 'bad_request' : 'internal';
  }
}

/** Reads a problem body leniently: the fields the SDK relies on must be there and typed. */
export function asProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const p = body as Record<string, unknown>;
  if (
    typeof p['code'] !== 'string' ||
    !(ERROR_CODES as readonly string[]).includes(p['code']) ||
    typeof p['status'] !== 'number' ||
    typeof p['title'] !== 'string'
  ) {
    return undefined;
  }
  return body as Problem;
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns seconds (never
 * negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  nowMs: number,
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
