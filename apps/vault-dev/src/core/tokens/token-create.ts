/**
 * auth/token/create[-orphan] (Vault docs: Token auth API): parameter rules, policy inheritance and
 * the privileges root/sudo unlock.
 */
import { VaultError, type BackendResponse } from '../backend';
import type { CoreInternals } from '../core-internals';
import { mountTtls } from '../mounts/mount-table';
import type { TokenEntry } from '../state/vault-state';
import { parseDurationSeconds, toBool } from '../util/time-format';
import { authBlock, isRootEntry } from './token-store';

function listParam(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
  return list.map((p) => p.trim()).filter((p) => p !== '');
}

function duration(data: Record<string, unknown>, name: string): number {
  const s = parseDurationSeconds(data[name]);
  if (s === undefined || s < 0)
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(data[name])} for field "${name}"`,
    ]);
  return s;
}

function boolParam(
  data: Record<string, unknown>,
  name: string,
  fallback: boolean,
): boolean {
  if (data[name] === undefined || data[name] === null) return fallback;
  const b = toBool(data[name]);
  if (b === undefined)
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(data[name])} for field "${name}"`,
    ]);
  return b;
}

function policiesFor(
  core: CoreInternals,
  parent: TokenEntry,
  data: Record<string, unknown>,
  parentIsRoot: boolean,
): { policies: string[]; warnings: string[] } {
  const requested = listParam(data['policies'])?.map((p) => p.toLowerCase());
  const noDefault = boolParam(data, 'no_default_policy', false);
  let policies =
    requested ?? parent.policies.filter((p) => p !== 'default' || !noDefault);
  if (!parentIsRoot) {
    const allowed = new Set([
      ...parent.policies,
      ...core.identityPolicies(parent),
      'default',
    ]);
    if (policies.some((p) => !allowed.has(p)))
      throw new VaultError(400, ['child policies must be subset of parent']);
  }
  if (policies.includes('root') && !parentIsRoot)
    throw new VaultError(400, [
      'root tokens may not be created without parent token being root',
    ]);
  if (!policies.includes('root') && !noDefault && !policies.includes('default'))
    policies = [...policies, 'default'];
  if (noDefault) policies = policies.filter((p) => p !== 'default');
  const warnings = policies
    .filter(
      (p) =>
        p !== 'root' && p !== 'default' && core.policies.text(p) === undefined,
    )
    .map((p) => `Policy "${p}" does not exist`);
  return { policies, warnings };
}

export function createToken(
  core: CoreInternals,
  parent: TokenEntry | undefined,
  data: Record<string, unknown>,
  options: { orphan: boolean; path: string; isSudo: boolean },
): BackendResponse {
  if (!parent || parent.numUses > 0)
    throw new VaultError(400, [
      'restricted use token cannot generate child tokens',
    ]);
  if (parent.type === 'batch')
    throw new VaultError(400, ['batch tokens cannot create more tokens']);
  // Token roles are not implemented (ADR 0002): refuse what Vault would honour rather than ignore it.
  for (const field of ['role_name', 'entity_alias']) {
    if (
      data[field] !== undefined &&
      data[field] !== null &&
      data[field] !== ''
    ) {
      throw new VaultError(400, [
        `vault-dev does not implement token roles: "${field}" is not supported`,
      ]);
    }
  }
  const parentIsRoot = isRootEntry(parent);
  const privileged = parentIsRoot || options.isSudo;
  if (data['id'] !== undefined && !privileged)
    throw new VaultError(400, [
      'root or sudo privileges required to specify token id',
    ]);
  const noParent = boolParam(data, 'no_parent', false);
  if (noParent && !privileged)
    throw new VaultError(400, [
      'root or sudo privileges required to create orphan token',
    ]);
  const period = duration(data, 'period');
  if (period > 0 && !privileged)
    throw new VaultError(400, [
      'root or sudo privileges required to create periodic token',
    ]);
  const numUses = Number(data['num_uses'] ?? 0);
  if (!Number.isInteger(numUses))
    throw new VaultError(400, ['error converting input for field "num_uses"']);
  if (numUses < 0)
    throw new VaultError(400, ['number of uses cannot be negative']);
  const type = String(data['type'] ?? 'service');
  if (type !== 'service' && type !== 'batch')
    throw new VaultError(400, [`unsupported token type "${type}"`]);
  const { policies, warnings } = policiesFor(core, parent, data, parentIsRoot);
  if (type === 'batch' && policies.includes('root'))
    throw new VaultError(400, ['batch tokens cannot be root tokens']);
  if (type === 'batch' && period > 0)
    throw new VaultError(400, ['batch tokens cannot be periodic']);
  // The deprecated `lease` is the TTL when `ttl` is absent (token_store.go, "This block is compatibility").
  const given = (name: string): boolean =>
    data[name] !== undefined && data[name] !== null && data[name] !== '';
  const ttl = given('ttl')
    ? duration(data, 'ttl')
    : given('lease')
      ? duration(data, 'lease')
      : 0;
  const explicitMax = duration(data, 'explicit_max_ttl');
  const meta =
    data['meta'] && typeof data['meta'] === 'object'
      ? Object.fromEntries(
          Object.entries(data['meta'] as object).map(([k, v]) => [
            k,
            String(v),
          ]),
        )
      : null;
  const displayName =
    typeof data['display_name'] === 'string' && data['display_name'] !== ''
      ? `token-${data['display_name'].replace(/[^A-Za-z0-9_-]/g, '-')}`
      : 'token';
  const limits = mountTtls(core.mounts.byPath('auth/token/'));
  const isRootToken = policies.includes('root');
  const created = core.tokens.create({
    id:
      typeof data['id'] === 'string' && data['id'] !== ''
        ? data['id']
        : undefined,
    policies,
    meta,
    displayName,
    path: options.path,
    parentId: options.orphan || noParent ? undefined : parent.id,
    type: type as 'service' | 'batch',
    renewable: boolParam(data, 'renewable', true),
    entityId: parent.entityId,
    ttlSeconds: ttl,
    explicitMaxSeconds: explicitMax,
    periodSeconds: period,
    numUses,
    mountDefaultSeconds: limits.defaultTtlSeconds,
    mountMaxSeconds: limits.maxTtlSeconds,
    // A root token created without any TTL never expires (Vault docs: Token auth API).
    noExpiry: isRootToken && ttl === 0 && explicitMax === 0 && period === 0,
  });
  const entry = created.entry;
  return {
    kind: 'auth',
    auth: authBlock(
      entry,
      core.identityPolicies(entry),
      entry.creationTtlSeconds,
    ),
    warnings: [...warnings, ...created.warnings],
  };
}
