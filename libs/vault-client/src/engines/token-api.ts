import type { TokenLookup } from '../auth/auth-method';
import { toAuthInfo, type VaultAuthInfo } from '../response';
import { dataOf, snakeFields, type Ttl, type VaultCaller } from './caller';

export interface TokenCreateInput {
  policies?: string[];
  meta?: Record<string, string>;
  noParent?: boolean;
  noDefaultPolicy?: boolean;
  renewable?: boolean;
  ttl?: Ttl;
  explicitMaxTtl?: Ttl;
  displayName?: string;
  numUses?: number;
  period?: Ttl;
  type?: 'service' | 'batch';
}

export interface TokenApi {
  lookupSelf(): Promise<TokenLookup>;
  renewSelf(incrementSeconds?: number): Promise<VaultAuthInfo>;
  revokeSelf(): Promise<void>;
  create(fields?: TokenCreateInput): Promise<VaultAuthInfo>;
  lookup(token: string): Promise<TokenLookup>;
  lookupAccessor(accessor: string): Promise<TokenLookup>;
  revoke(token: string): Promise<void>;
  revokeAccessor(accessor: string): Promise<void>;
}

/** Decodes `auth/token/lookup*` data. */
export function toTokenLookup(d: Record<string, unknown>): TokenLookup {
  return {
    accessor: String(d['accessor'] ?? ''),
    policies: (d['policies'] as string[] | null) ?? [],
    ttlSeconds: Number(d['ttl'] ?? 0),
    renewable: Boolean(d['renewable']),
    entityId: String(d['entity_id'] ?? ''),
    expireTime: (d['expire_time'] as string | null) ?? null,
  };
}

/** The token auth method (Vault docs: Token auth API); tokens travel in bodies, never in paths. */
export function createTokenApi(caller: VaultCaller): TokenApi {
  const post = (
    path: string,
    body: object,
    operation: string,
    idempotent = true,
  ) =>
    caller.send({
      method: 'POST',
      path: `auth/token/${path}`,
      body,
      idempotent,
      operation: `token.${operation}`,
    });
  return {
    async lookupSelf() {
      return toTokenLookup(
        dataOf(
          await caller.send({
            method: 'GET',
            path: 'auth/token/lookup-self',
            operation: 'token.lookupSelf',
          }),
        ),
      );
    },
    async renewSelf(incrementSeconds) {
      return toAuthInfo(
        (
          (
            await post(
              'renew-self',
              incrementSeconds ? { increment: incrementSeconds } : {},
              'renewSelf',
            )
          ).body as { auth?: unknown }
        ).auth,
      );
    },
    async revokeSelf() {
      await post('revoke-self', {}, 'revokeSelf');
    },
    async create(fields = {}) {
      return toAuthInfo(
        (
          (await post('create', snakeFields(fields), 'create', false)).body as {
            auth?: unknown;
          }
        ).auth,
      );
    },
    async lookup(token) {
      return toTokenLookup(dataOf(await post('lookup', { token }, 'lookup')));
    },
    async lookupAccessor(accessor) {
      return toTokenLookup(
        dataOf(await post('lookup-accessor', { accessor }, 'lookupAccessor')),
      );
    },
    async revoke(token) {
      await post('revoke', { token }, 'revoke');
    },
    async revokeAccessor(accessor) {
      await post('revoke-accessor', { accessor }, 'revokeAccessor');
    },
  };
}
