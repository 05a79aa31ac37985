/**
 * The client's error taxonomy (docs/adr/0004-error-taxonomy.md): every non-2xx answer becomes a
 * `VaultResponseError`, every "Vault cannot answer right now" a `VaultUnavailableError`.
 * Messages carry status, path and Vault's own error text, never tokens or values.
 */

/** Vault answered with an error status (Vault: sdk/logical/response_util.go). */
export class VaultResponseError extends Error {
  readonly status: number;
  readonly errors: string[];
  /** Logical path without `/v1/` (never contains secrets: tokens and values travel in bodies). */
  readonly path: string;
  readonly warnings: string[];
  /** Envelope `data` of envelope-shaped error answers (KV soft-deleted reads), else undefined. */
  readonly data: unknown;

  constructor(options: {
    status: number;
    errors: string[];
    path: string;
    warnings?: string[];
    data?: unknown;
    method?: string;
  }) {
    const detail =
      options.errors.length > 0
        ? options.errors.map(oneLine).join('; ')
        : 'no error detail';
    super(
      `Vault answered ${options.status} to ${options.method ?? 'request'} ${options.path}: ${detail}`,
    );
    this.name = 'VaultResponseError';
    this.status = options.status;
    this.errors = options.errors;
    this.path = options.path;
    this.warnings = options.warnings ?? [];
    this.data = options.data;
  }
}

/** Vault could not be reached or kept failing (network, timeout, 5xx, 429) after retries; callers answer 503. */
export class VaultUnavailableError extends Error {
  readonly path: string;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  readonly attempts: number;

  constructor(options: {
    path: string;
    reason: string;
    status?: number;
    attempts: number;
    cause?: unknown;
  }) {
    super(
      `Vault unavailable for ${options.path} after ${options.attempts} attempt(s): ${options.reason}`,
      { cause: options.cause },
    );
    this.name = 'VaultUnavailableError';
    this.path = options.path;
    this.status = options.status;
    this.attempts = options.attempts;
  }
}

/** Login failed: bad or exhausted credentials, or Vault refused the auth method's request. */
export class VaultAuthError extends Error {
  readonly method: string;
  constructor(method: string, reason: string, options?: { cause?: unknown }) {
    super(`Vault ${method} login failed: ${reason}`, options);
    this.name = 'VaultAuthError';
    this.method = method;
  }
}

// Go multierror text ("1 error occurred:\n\t* permission denied\n\n") is unreadable in logs.
function oneLine(message: string): string {
  const bullets = message.match(/\* ([^\n]+)/g);
  if (message.includes('error occurred') && bullets)
    return bullets.map((b) => b.slice(2)).join(', ');
  return message.replace(/\s+/g, ' ').trim();
}

/** True when Vault answered 404: the path, version or list is absent. */
export function isNotFound(error: unknown): boolean {
  return error instanceof VaultResponseError && error.status === 404;
}

/** True when Vault answered 403 (missing capability, or an invalid token). */
export function isPermissionDenied(error: unknown): boolean {
  return error instanceof VaultResponseError && error.status === 403;
}

/** True when a KV v2 write with `cas` lost the race (Vault docs: KV v2 API). */
export function isCasMismatch(error: unknown): boolean {
  return (
    error instanceof VaultResponseError &&
    error.status === 400 &&
    error.errors.some((e) =>
      e.includes('check-and-set parameter did not match'),
    )
  );
}

/** True when the caller should answer 503 with Retry-After. */
export function isVaultUnavailable(error: unknown): boolean {
  return error instanceof VaultUnavailableError;
}

/**
 * True for the plain `permission denied` Vault sends for an unknown, expired or revoked
 * token (Vault: sdk/logical/response_util.go); a valid token failing the ACL gets the multierror form.
 */
export function isTokenRejected(error: unknown): boolean {
  return (
    error instanceof VaultResponseError &&
    error.status === 403 &&
    error.errors.length === 1 &&
    error.errors[0].trim() === 'permission denied'
  );
}
