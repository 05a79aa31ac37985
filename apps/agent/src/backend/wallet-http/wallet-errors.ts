import {
  AppError,
  DEFAULT_RETRY_AFTER_SECONDS,
  ProblemSchema,
} from '@secret-flows/contracts';
import type { AxiosError, AxiosResponse } from 'axios';

/** Network failures where the request certainly or probably never produced an effect worth keeping. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

/** True for a network error (no HTTP answer) that an idempotent call may retry once. */
export function isRetryableNetworkError(err: AxiosError): boolean {
  // A timeout is not retried: the caller's budget is spent, and the wallet may still be working.
  return (
    err.response === undefined && RETRYABLE_NETWORK_CODES.has(err.code ?? '')
  );
}

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), or undefined when absent or invalid. */
export function parseRetryAfter(
  header: unknown,
  nowMs: number,
): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** The wallet is unreachable or too slow: a 503 the client may retry (docs/architecture.md, "Errors and failure"). */
export function walletUnavailable(
  cause: unknown,
  retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
): AppError {
  return new AppError(
    'wallet_unavailable',
    'The wallet service did not answer.',
    { cause, retryAfterSeconds },
  );
}

/**
 * Maps a wallet HTTP error answer back to an AppError (docs/adr/0004-error-taxonomy.md). Problem bodies keep their code
 * and client-facing detail; anything else from the wallet is an outage or an internal error.
 */
export function fromWalletResponse(
  response: AxiosResponse,
  nowMs: number,
): AppError {
  const retryAfterSeconds = parseRetryAfter(
    response.headers['retry-after'],
    nowMs,
  );
  const parsed = ProblemSchema.safeParse(response.data);
  const cause = new Error(`wallet answered ${response.status}`);
  if (!parsed.success) {
    // A proxy error page or a crashed wallet: not something the tenant can act on but retry.
    if (response.status >= 500)
      return walletUnavailable(cause, retryAfterSeconds);
    return new AppError('internal', 'Unexpected answer from the wallet.', {
      cause,
    });
  }
  const problem = parsed.data;
  if (problem.code === 'internal')
    return new AppError('internal', 'The wallet failed.', { cause });
  return new AppError(problem.code, problem.detail ?? problem.title, {
    cause,
    retryAfterSeconds,
    errors: problem.errors,
  });
}
