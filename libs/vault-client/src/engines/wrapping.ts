import type { WrappingLookup } from '../auth/auth-method';
import { camelize } from '../transport';
import {
  toVaultResponse,
  type VaultResponse,
  type WrapInfo,
} from '../response';
import { dataOf, type VaultCaller } from './caller';

export interface WrappingApi {
  /** Unwraps with the wrapping token itself (single use: a second unwrap is refused with 400). */
  unwrap<D = Record<string, unknown>>(
    wrappingToken: string,
  ): Promise<VaultResponse<D>>;
  /** Reads creation path/time/TTL without consuming the token. */
  lookup(wrappingToken: string): Promise<WrappingLookup>;
  wrap(data: Record<string, unknown>, ttlSeconds: number): Promise<WrapInfo>;
  rewrap(wrappingToken: string): Promise<WrapInfo>;
}

/** Response wrapping (Vault docs: Response wrapping). */
export function createWrappingApi(caller: VaultCaller): WrappingApi {
  return {
    async unwrap<D>(wrappingToken: string) {
      // The token goes in the header, not the body: sending both would burn it (Vault docs: Response wrapping).
      const res = await caller.send({
        method: 'POST',
        path: 'sys/wrapping/unwrap',
        token: wrappingToken,
        operation: 'sys.wrapping.unwrap',
      });
      return toVaultResponse<D>(res.body);
    },
    async lookup(wrappingToken) {
      const res = await caller.send({
        method: 'POST',
        path: 'sys/wrapping/lookup',
        body: { token: wrappingToken },
        unauthenticated: true,
        idempotent: true,
        operation: 'sys.wrapping.lookup',
      });
      return camelize<WrappingLookup>(dataOf(res));
    },
    async wrap(data, ttlSeconds) {
      const res = await caller.send({
        method: 'POST',
        path: 'sys/wrapping/wrap',
        body: data,
        wrapTtlSeconds: ttlSeconds,
        operation: 'sys.wrapping.wrap',
      });
      return toVaultResponse(res.body).wrapInfo as WrapInfo;
    },
    async rewrap(wrappingToken) {
      const res = await caller.send({
        method: 'POST',
        path: 'sys/wrapping/rewrap',
        body: { token: wrappingToken },
        operation: 'sys.wrapping.rewrap',
      });
      return toVaultResponse(res.body).wrapInfo as WrapInfo;
    },
  };
}
