import { VaultResponseError } from '@secret-flows/vault-client';

/** True when Vault answered `status` with an error text containing `fragment` (Transit has no error codes). */
export function isVaultResponseStatus(
  err: unknown,
  status: number,
  fragment: string,
): boolean {
  return (
    err instanceof VaultResponseError &&
    err.status === status &&
    err.errors.some((e) => e.includes(fragment))
  );
}
