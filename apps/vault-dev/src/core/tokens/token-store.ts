/**
 * The token store (Vault docs: Token auth API): service and batch tokens with accessors, TTLs on the
 * injectable clock, use counts, parent/child revocation and entity binding.
 */
import { VaultError, type CallerToken, type TokenAccess } from '../backend';
import { randomBase62 } from '../util/ids';
import { rfc3339 } from '../util/time-format';
import type { TokenEntry, VaultState } from '../state/vault-state';
import { calculateTtl } from './token-ttl';

export interface NewToken {
  id?: string;
  policies: string[];
  meta?: Record<string, string> | null;
  displayName: string;
  path: string;
  parentId?: string;
  type?: 'service' | 'batch';
  renewable: boolean;
  entityId?: string;
  ttlSeconds: number;
  backendMaxSeconds?: number;
  explicitMaxSeconds?: number;
  periodSeconds?: number;
  numUses?: number;
  mountDefaultSeconds: number;
  mountMaxSeconds: number;
  /** A root token created without a TTL never expires. */
  noExpiry?: boolean;
  boundCidrs?: string[];
}

export interface TokenStore extends TokenAccess {
  create(spec: NewToken): { entry: TokenEntry; warnings: string[] };
  /** The live entry (not expired, not used up), or undefined. */
  get(id: string): TokenEntry | undefined;
  byAccessor(accessor: string): TokenEntry | undefined;
  /** Counts one use; true when that was the last one (the caller revokes after the request). */
  use(entry: TokenEntry): boolean;
  revokeTree(id: string): void;
  revokeByEntity(entityId: string): void;
  /** Renews from one clock reading; `ttlSeconds` is the TTL granted at that reading. */
  renew(
    entry: TokenEntry,
    incrementSeconds: number,
    limits: { mountDefaultSeconds: number; mountMaxSeconds: number },
  ): { ttlSeconds: number; warnings: string[] };
  ttlRemaining(entry: TokenEntry): number;
  accessors(): string[];
}

export function isRootEntry(entry: TokenEntry): boolean {
  return entry.policies.includes('root');
}

export function createTokenStore(options: {
  state: VaultState;
  now: () => number;
}): TokenStore {
  const tokens = options.state.tokens;
  const now = options.now;

  const isLive = (e: TokenEntry): boolean =>
    e.expireMs === 0 || e.expireMs > now();

  const get = (id: string): TokenEntry | undefined => {
    const entry = Object.prototype.hasOwnProperty.call(tokens, id)
      ? tokens[id]
      : undefined;
    if (!entry) return undefined;
    if (!isLive(entry)) {
      // Revocation of expired tokens is lazy, as in Vault's expiration manager.
      revokeTree(entry.id);
      return undefined;
    }
    return entry;
  };

  function revokeTree(id: string): void {
    const entry = tokens[id];
    if (!entry) return;
    delete tokens[id];
    for (const child of Object.values(tokens)) {
      if (child.parentId === id && !child.orphan) revokeTree(child.id);
    }
  }

  const byAccessor = (accessor: string): TokenEntry | undefined => {
    if (accessor === '') return undefined;
    const entry = Object.values(tokens).find((e) => e.accessor === accessor);
    return entry ? get(entry.id) : undefined;
  };

  // Expired tokens are revoked lazily on access; every 100 creations also sweep the rest,
  // so a long-running server minting short-lived tokens does not grow without bound.
  let createdSinceSweep = 0;
  const sweepExpired = (): void => {
    createdSinceSweep = 0;
    for (const e of Object.values(tokens)) if (!isLive(e)) revokeTree(e.id);
  };

  const toCaller = (e: TokenEntry): CallerToken => ({
    id: e.id,
    accessor: e.accessor,
    policies: e.policies,
    entityId: e.entityId,
    isRoot: isRootEntry(e),
  });

  return {
    create(spec) {
      if (++createdSinceSweep >= 100) sweepExpired();
      const type = spec.type ?? 'service';
      const issueMs = now();
      const explicitMax = spec.explicitMaxSeconds ?? 0;
      let ttl = 0;
      let maxTtl = 0;
      let warnings: string[] = [];
      if (!spec.noExpiry) {
        const result = calculateTtl({
          nowMs: issueMs,
          issueMs,
          incrementSeconds: 0,
          backendTtlSeconds: spec.ttlSeconds,
          backendMaxSeconds: spec.backendMaxSeconds ?? 0,
          explicitMaxSeconds: explicitMax,
          periodSeconds: spec.periodSeconds ?? 0,
          mountDefaultSeconds: spec.mountDefaultSeconds,
          mountMaxSeconds: spec.mountMaxSeconds,
        });
        ttl = result.ttlSeconds;
        maxTtl = result.maxTtlSeconds;
        warnings = result.warnings;
      }
      const prefix = type === 'batch' ? 'hvb.' : 'hvs.';
      const id = spec.id ?? `${prefix}${randomBase62(24)}`;
      if (tokens[id])
        throw new VaultError(400, [
          'cannot create a token with a duplicate ID',
        ]);
      const entry: TokenEntry = {
        id,
        accessor: type === 'batch' ? '' : randomBase62(24),
        policies: [...new Set(spec.policies)].sort(),
        meta: spec.meta && Object.keys(spec.meta).length > 0 ? spec.meta : null,
        displayName: spec.displayName,
        path: spec.path,
        parentId: spec.parentId ?? '',
        orphan: !spec.parentId,
        type,
        renewable: type === 'batch' || spec.noExpiry ? false : spec.renewable,
        entityId: spec.entityId ?? '',
        issueMs,
        creationTtlSeconds: ttl,
        expireMs: ttl > 0 ? issueMs + ttl * 1000 : 0,
        backendTtlSeconds: spec.ttlSeconds,
        maxTtlSeconds: maxTtl,
        explicitMaxTtlSeconds: explicitMax,
        periodSeconds: spec.periodSeconds ?? 0,
        numUses: spec.numUses ?? 0,
        lastRenewalMs: 0,
        boundCidrs: spec.boundCidrs ?? [],
      };
      tokens[id] = entry;
      return { entry, warnings };
    },
    get,
    byAccessor,
    lookup(id) {
      const entry = get(id);
      return entry ? toCaller(entry) : undefined;
    },
    revoke: (id) => revokeTree(id),
    revokeTree,
    revokeByEntity(entityId) {
      for (const e of Object.values(tokens))
        if (e.entityId === entityId) revokeTree(e.id);
    },
    use(entry) {
      if (entry.numUses === 0) return false;
      entry.numUses -= 1;
      return entry.numUses === 0;
    },
    renew(entry, incrementSeconds, limits) {
      if (entry.type === 'batch')
        throw new VaultError(400, ['batch tokens cannot be renewed']);
      if (entry.expireMs === 0) throw new VaultError(400, ['invalid lease ID']);
      if (!entry.renewable)
        throw new VaultError(400, ['lease is not renewable']);
      const nowMs = now();
      const result = calculateTtl({
        nowMs,
        issueMs: entry.issueMs,
        incrementSeconds,
        backendTtlSeconds: entry.backendTtlSeconds,
        backendMaxSeconds: entry.maxTtlSeconds,
        explicitMaxSeconds: entry.explicitMaxTtlSeconds,
        periodSeconds: entry.periodSeconds,
        mountDefaultSeconds: limits.mountDefaultSeconds,
        mountMaxSeconds: limits.mountMaxSeconds,
      });
      entry.expireMs = nowMs + result.ttlSeconds * 1000;
      entry.lastRenewalMs = nowMs;
      return { ttlSeconds: result.ttlSeconds, warnings: result.warnings };
    },
    ttlRemaining(entry) {
      return entry.expireMs === 0
        ? 0
        : Math.max(0, Math.floor((entry.expireMs - now()) / 1000));
    },
    accessors: () =>
      Object.values(tokens)
        .filter((e) => isLive(e) && e.accessor !== '')
        .map((e) => e.accessor),
  };
}

/** The `auth` block of a login, create or renew response (Vault: sdk/logical/translate_response.go). */
export function authBlock(
  entry: TokenEntry,
  identityPolicies: string[],
  ttlSeconds: number,
  showId = true,
): Record<string, unknown> {
  const auth: Record<string, unknown> = {
    client_token: showId ? entry.id : '',
    accessor: entry.accessor,
    policies: [...new Set([...entry.policies, ...identityPolicies])].sort(),
    token_policies: entry.policies,
  };
  if (identityPolicies.length > 0)
    auth['identity_policies'] = [...identityPolicies].sort();
  Object.assign(auth, {
    metadata: entry.meta,
    lease_duration: ttlSeconds,
    renewable: entry.renewable,
    entity_id: entry.entityId,
    token_type: entry.type,
    orphan: entry.orphan,
    mfa_requirement: null,
    num_uses: entry.numUses,
  });
  return auth;
}

/** The data of token lookup(-self|-accessor) (Vault docs: Token auth API). */
export function lookupData(
  entry: TokenEntry,
  ttlSeconds: number,
  identityPolicies: string[],
  showId = true,
): Record<string, unknown> {
  const root = isRootEntry(entry) && entry.expireMs === 0;
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: Math.floor(entry.issueMs / 1000),
    creation_ttl: entry.creationTtlSeconds,
    display_name: entry.displayName,
    entity_id: entry.entityId,
    expire_time: entry.expireMs === 0 ? null : rfc3339(entry.expireMs),
    explicit_max_ttl: entry.explicitMaxTtlSeconds,
    id: showId ? entry.id : '',
    meta: entry.meta,
    num_uses: entry.numUses,
    orphan: entry.orphan,
    path: entry.path,
    policies: entry.policies,
    ttl: ttlSeconds,
    type: entry.type,
  };
  if (!root) {
    data['issue_time'] = rfc3339(entry.issueMs);
    data['renewable'] = entry.renewable;
  }
  if (identityPolicies.length > 0)
    data['identity_policies'] = [...identityPolicies].sort();
  if (entry.periodSeconds > 0) data['period'] = entry.periodSeconds;
  if (entry.lastRenewalMs > 0) {
    data['last_renewal'] = rfc3339(entry.lastRenewalMs);
    data['last_renewal_time'] = Math.floor(entry.lastRenewalMs / 1000);
  }
  if (entry.boundCidrs.length > 0) data['bound_cidrs'] = entry.boundCidrs;
  return data;
}
