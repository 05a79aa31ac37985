/**
 * Response wrapping (Vault docs: Response wrapping): the core stores the would-be response under a
 * single-use `response-wrapping` token and answers with `wrap_info` only.
 */
import { VaultError } from '../backend';
import { mountTtls } from '../mounts/mount-table';
import { rfc3339 } from '../util/time-format';
import type { TokenStore } from '../tokens/token-store';
import type { VaultState, WrappedResponse } from '../state/vault-state';

export const INVALID_WRAPPING_TOKEN =
  'wrapping token is not valid or does not exist';

export interface WrappingStore {
  wrap(
    body: Record<string, unknown>,
    creationPath: string,
    ttlSeconds: number,
    wrappedAccessor?: string,
  ): Record<string, unknown>;
  /** Returns the stored response once; the token is gone afterwards. */
  unwrap(token: string): Record<string, unknown>;
  lookup(token: string): WrappedResponse;
  rewrap(token: string): Record<string, unknown>;
}

export function createWrappingStore(options: {
  state: VaultState;
  tokens: TokenStore;
  now: () => number;
}): WrappingStore {
  const store = options.state.wrapping;

  const live = (token: string): WrappedResponse => {
    const record = Object.prototype.hasOwnProperty.call(store, token)
      ? store[token]
      : undefined;
    if (!record) throw new VaultError(400, [INVALID_WRAPPING_TOKEN]);
    if (record.creationMs + record.ttlSeconds * 1000 <= options.now()) {
      delete store[token];
      throw new VaultError(400, [INVALID_WRAPPING_TOKEN]);
    }
    return record;
  };

  // Expired wrappings are dropped whenever a new one is made, so the store cannot grow without bound.
  const sweep = (): void => {
    const nowMs = options.now();
    for (const [token, record] of Object.entries(store))
      if (record.creationMs + record.ttlSeconds * 1000 <= nowMs)
        delete store[token];
  };

  const wrap: WrappingStore['wrap'] = (
    body,
    creationPath,
    ttlSeconds,
    wrappedAccessor,
  ) => {
    sweep();
    const { entry } = options.tokens.create({
      policies: ['response-wrapping'],
      displayName: 'response-wrapping',
      path: creationPath,
      renewable: false,
      ttlSeconds,
      explicitMaxSeconds: ttlSeconds,
      numUses: 1,
      mountDefaultSeconds: ttlSeconds,
      mountMaxSeconds: mountTtls(undefined).maxTtlSeconds,
    });
    store[entry.id] = {
      tokenId: entry.id,
      creationPath,
      creationMs: entry.issueMs,
      ttlSeconds,
      body,
    };
    const info: Record<string, unknown> = {
      token: entry.id,
      accessor: entry.accessor,
      ttl: ttlSeconds,
      creation_time: rfc3339(entry.issueMs),
      creation_path: creationPath,
    };
    if (wrappedAccessor) info['wrapped_accessor'] = wrappedAccessor;
    return info;
  };

  return {
    wrap,
    unwrap(token) {
      const record = live(token);
      delete store[token];
      options.tokens.revoke(token);
      return record.body;
    },
    lookup: live,
    rewrap(token) {
      const record = live(token);
      delete store[token];
      options.tokens.revoke(token);
      return wrap(record.body, record.creationPath, record.ttlSeconds);
    },
  };
}
