import {
  VaultResponseError,
  VaultUnavailableError,
  isCasMismatch,
  isNotFound,
  isPermissionDenied,
  isTokenRejected,
  isVaultUnavailable,
} from './errors';

const err = (status: number, errors: string[]) =>
  new VaultResponseError({
    status,
    errors,
    path: 'secret/data/x',
    method: 'GET',
  });

describe('error helpers', () => {
  it.each([
    ['isNotFound', isNotFound, err(404, []), true],
    ['isNotFound', isNotFound, err(400, []), false],
    [
      'isPermissionDenied',
      isPermissionDenied,
      err(403, ['permission denied']),
      true,
    ],
    [
      'isCasMismatch',
      isCasMismatch,
      err(400, ['check-and-set parameter did not match the current version']),
      true,
    ],
    ['isCasMismatch', isCasMismatch, err(400, ['no data provided']), false],
    [
      'isVaultUnavailable',
      isVaultUnavailable,
      new VaultUnavailableError({ path: 'p', reason: 'x', attempts: 1 }),
      true,
    ],
    ['isVaultUnavailable', isVaultUnavailable, err(500, []), false],
  ])('%s recognises %p → %p', (_name, fn, error, expected) => {
    expect(fn(error)).toBe(expected);
  });

  it('tells an invalid token from a missing capability', () => {
    expect(isTokenRejected(err(403, ['permission denied']))).toBe(true);
    expect(
      isTokenRejected(
        err(403, ['1 error occurred:\n\t* permission denied\n\n']),
      ),
    ).toBe(false);
  });

  it('says when Vault gave no detail', () => {
    expect(err(404, []).message).toBe(
      'Vault answered 404 to GET secret/data/x: no error detail',
    );
  });
});
