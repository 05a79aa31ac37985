import { z } from 'zod';

/** Every error code a Secret Flows service may answer with; a closed union (ADR 0004). */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'request_timeout',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'quota_secrets_exceeded',
  'quota_keys_exceeded',
  'quota_value_bytes_exceeded',
  'quota_total_bytes_exceeded',
  'vault_unavailable',
  'wallet_unavailable',
  'service_unavailable',
  'internal',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** The one table from error code to HTTP status. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  request_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  // A quota is the tenant's own limit, not an outage: retrying does not help, deleting does.
  quota_secrets_exceeded: 403,
  quota_keys_exceeded: 403,
  quota_value_bytes_exceeded: 413,
  quota_total_bytes_exceeded: 403,
  vault_unavailable: 503,
  wallet_unavailable: 503,
  service_unavailable: 503,
  internal: 500,
});

const ERROR_TITLE: Readonly<Record<ErrorCode, string>> = Object.freeze({
  bad_request: 'Bad request',
  validation_failed: 'Validation failed',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  request_timeout: 'Request timeout',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  quota_secrets_exceeded: 'Secret quota exceeded',
  quota_keys_exceeded: 'Key quota exceeded',
  quota_value_bytes_exceeded: 'Value size quota exceeded',
  quota_total_bytes_exceeded: 'Storage quota exceeded',
  vault_unavailable: 'Vault unavailable',
  wallet_unavailable: 'Wallet unavailable',
  service_unavailable: 'Service unavailable',
  internal: 'Internal error',
});

// 5xx bodies are generic (docs/adr/0004-error-taxonomy.md): the cause belongs in the log and the span, where an
// operator can see it, not in a body that a tenant or an attacker reads.
const GENERIC_DETAIL: Partial<Record<ErrorCode, string>> = {
  vault_unavailable:
    'The secret store is temporarily unavailable. Retry later.',
  wallet_unavailable:
    'The wallet service is temporarily unavailable. Retry later.',
  service_unavailable: 'The service is temporarily unavailable. Retry later.',
  internal:
    'An internal error occurred. Quote the request id when reporting it.',
};

/** Default Retry-After for outages when the thrower did not give one. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** The `type` URI of a problem body: stable per code so clients can switch on it. */
export function problemType(code: ErrorCode): string {
  return `urn:secret-flows:problem:${code}`;
}

export const ProblemFieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type ProblemFieldError = z.infer<typeof ProblemFieldErrorSchema>;

/** RFC 9457 problem JSON, the one error body of every service. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  code: ErrorCodeSchema,
  requestId: z.string(),
  instance: z.string().optional(),
  errors: z.array(ProblemFieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** Media type of problem bodies (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface AppErrorOptions {
  cause?: unknown;
  retryAfterSeconds?: number;
  errors?: ProblemFieldError[];
}

/** The application error: a code from the closed union, a client-safe detail, an optional cause. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly retryAfterSeconds?: number;
  readonly errors?: ProblemFieldError[];
  override readonly cause?: unknown;

  constructor(code: ErrorCode, detail: string, options: AppErrorOptions = {}) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.detail = detail;
    if (options.cause !== undefined) this.cause = options.cause;
    if (options.errors !== undefined) this.errors = options.errors;
    if (options.retryAfterSeconds !== undefined) {
      this.retryAfterSeconds = options.retryAfterSeconds;
    } else if (this.status === 503) {
      this.retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;
    }
  }
}

/** True when `err` is an AppError (also across duplicated module copies). */
export function isAppError(err: unknown): err is AppError {
  if (err instanceof AppError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as Partial<AppError>;
  return (
    candidate.name === 'AppError' &&
    typeof candidate.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(candidate.code) &&
    typeof candidate.detail === 'string'
  );
}

/** Turns an AppError into the problem body a client sees; 5xx details are replaced by generic text. */
export function toProblem(
  err: AppError,
  requestId: string,
  instance?: string,
): Problem {
  const status = ERROR_STATUS[err.code];
  const problem: Problem = {
    type: problemType(err.code),
    title: ERROR_TITLE[err.code],
    status,
    detail:
      status >= 500
        ? (GENERIC_DETAIL[err.code] ?? GENERIC_DETAIL.internal)
        : err.detail,
    code: err.code,
    requestId,
  };
  if (instance !== undefined) problem.instance = instance;
  if (status < 500 && err.errors && err.errors.length > 0)
    problem.errors = err.errors;
  return problem;
}

export interface ProblemResponse {
  status: number;
  problem: Problem;
  /** Seconds for a Retry-After header; set for 503 and 429 when known. */
  retryAfterSeconds?: number;
}

/** Maps any thrown value to a status and problem body; unknown errors become a generic 500. */
export function problemFromError(
  err: unknown,
  requestId: string,
  instance?: string,
): ProblemResponse {
  const appError = isAppError(err) ? err : fromForeignError(err);
  const response: ProblemResponse = {
    status: appError.status,
    problem: toProblem(appError, requestId, instance),
  };
  if (appError.retryAfterSeconds !== undefined)
    response.retryAfterSeconds = appError.retryAfterSeconds;
  return response;
}

// Body parsers (express.json, raw-body) throw http-errors with `type` and `status`; they are the
// only foreign errors whose meaning is safe to pass on. Everything else is an internal error.
function fromForeignError(err: unknown): AppError {
  if (err instanceof z.ZodError) return validationError(err);
  const foreign = (typeof err === 'object' && err !== null ? err : {}) as {
    type?: unknown;
    status?: unknown;
  };
  if (foreign.type === 'entity.too.large' || foreign.status === 413) {
    return new AppError('payload_too_large', 'The request body is too large.', {
      cause: err,
    });
  }
  if (foreign.type === 'entity.parse.failed') {
    return new AppError('bad_request', 'The request body is not valid JSON.', {
      cause: err,
    });
  }
  // Express's router cannot decode a path parameter such as %c0%ae: the client's mistake. The
  // message quotes the parameter, so only the fact is passed on.
  if (err instanceof URIError && foreign.status === 400) {
    return new AppError(
      'bad_request',
      'The request path is not valid percent-encoding.',
      { cause: err },
    );
  }
  if (foreign.type === 'encoding.unsupported' || foreign.status === 415) {
    return new AppError(
      'unsupported_media_type',
      'The request content type or encoding is not supported.',
      { cause: err },
    );
  }
  return new AppError('internal', 'Unexpected error.', { cause: err });
}

/** Converts a zod error into a validation_failed AppError listing each field problem. */
export function validationError(
  error: z.ZodError,
  detail = 'The request is not valid.',
): AppError {
  const errors = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  return new AppError('validation_failed', detail, { errors, cause: error });
}

/** Parses input with a schema and throws a validation_failed AppError when it does not match. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  detail?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, detail);
  return result.data;
}
