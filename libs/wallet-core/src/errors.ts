import { AppError, isAppError } from '@secret-flows/contracts';
import {
  isCasMismatch,
  isVaultUnavailable,
  VaultAuthError,
} from '@secret-flows/vault-client';
import type { NameProblem } from './names';

/**
 * Translates a failure from the KV layer into an AppError at the domain edge (docs/adr/0004-error-taxonomy.md):
 * outage or a failed login of the service's own credential -> vault_unavailable (503 +
 * Retry-After: the caller can do nothing but retry), lost check-and-set -> conflict, anything
 * else -> internal with the cause kept for the log (a persistent 403 after vault-client's own
 * re-login is a policy mistake, not something the caller can fix).
 * @example throw toDomainError(err, { conflict: 'The secret was changed concurrently.', retryAfterSeconds: 2 })
 */
export function toDomainError(
  err: unknown,
  options: { conflict: string; retryAfterSeconds: number },
): AppError {
  if (isAppError(err)) return err;
  if (isVaultUnavailable(err) || err instanceof VaultAuthError) {
    return new AppError('vault_unavailable', 'Vault is unavailable.', {
      cause: err,
      retryAfterSeconds: options.retryAfterSeconds,
    });
  }
  if (isCasMismatch(err))
    return new AppError('conflict', options.conflict, { cause: err });
  return new AppError('internal', 'The secret store answered unexpectedly.', {
    cause: err,
  });
}

/** A validation_failed error for a refused id or name; the reason never echoes the input. */
export function invalidName(field: string, problem: NameProblem): AppError {
  return new AppError('validation_failed', problem.reason, {
    errors: [{ path: field, message: problem.reason }],
  });
}

/** The one not-found error per resource kind: identical whether or not another tenant has it. */
export function notFound(
  kind: 'Key' | 'Secret' | 'Secret version' | 'Wallet seed',
): AppError {
  return new AppError('not_found', `${kind} not found.`);
}
