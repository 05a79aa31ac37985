import { AppError } from '@secret-flows/contracts';
import {
  VaultAuthError,
  VaultResponseError,
  VaultUnavailableError,
} from '@secret-flows/vault-client';
import { toDomainError } from './errors';

const options = { conflict: 'Changed concurrently.', retryAfterSeconds: 3 };

describe('toDomainError', () => {
  it.each([
    [
      'an unreachable Vault',
      new VaultUnavailableError({
        path: 'secret/data/x',
        reason: 'ECONNREFUSED',
        attempts: 3,
      }),
    ],
    [
      'a failed login of the wallet itself',
      new VaultAuthError('approle', 'invalid role or secret ID'),
    ],
  ])('maps %s to vault_unavailable with Retry-After', (_label, err) => {
    expect(toDomainError(err, options)).toMatchObject({
      code: 'vault_unavailable',
      status: 503,
      retryAfterSeconds: 3,
      cause: err,
    });
  });

  it('maps a lost check-and-set to conflict', () => {
    const err = new VaultResponseError({
      status: 400,
      errors: ['check-and-set parameter did not match the current version'],
      path: 'p',
    });
    expect(toDomainError(err, options)).toMatchObject({
      code: 'conflict',
      status: 409,
      detail: 'Changed concurrently.',
    });
  });

  it('maps a permission denial to a generic internal error and keeps the cause for the log', () => {
    const err = new VaultResponseError({
      status: 403,
      errors: ['1 error occurred:\n\t* permission denied\n\n'],
      path: 'p',
    });
    expect(toDomainError(err, options)).toMatchObject({
      code: 'internal',
      status: 500,
      cause: err,
    });
  });

  it('passes AppErrors through unchanged', () => {
    const err = new AppError('not_found', 'Key not found.');
    expect(toDomainError(err, options)).toBe(err);
  });
});
