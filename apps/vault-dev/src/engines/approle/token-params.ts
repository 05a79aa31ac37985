/**
 * The `token_*` fields every Vault auth method shares (tokenutil.TokenParams):
 * AppRole defines them first, userpass and JWT reuse them (Vault: sdk/helper/tokenutil).
 */
import type { LoginResult } from '../../core/backend';
import {
  badField,
  parseBool,
  parseDurationSeconds,
  parseInteger,
  parseString,
  parseStringList,
} from './field-parsers';
import { parseCidrList } from './cidr';

/** The system default and maximum lease TTL of a dev server mount (768h). */
export const MOUNT_MAX_TTL_S = 2_764_800;

export interface TokenParams {
  tokenPolicies: string[];
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenExplicitMaxTtl: number;
  tokenPeriod: number;
  tokenNumUses: number;
  tokenNoDefaultPolicy: boolean;
  tokenBoundCidrs: string[];
  tokenType: 'default' | 'service' | 'batch';
  tokenStrictlyBindIp: boolean;
  /** Set when the caller used the deprecated `policies` / `period` names, which reads then echo. */
  legacyPolicies: boolean;
  legacyPeriod: boolean;
}

export function defaultTokenParams(): TokenParams {
  return {
    tokenPolicies: [],
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenExplicitMaxTtl: 0,
    tokenPeriod: 0,
    tokenNumUses: 0,
    tokenNoDefaultPolicy: false,
    tokenBoundCidrs: [],
    tokenType: 'default',
    tokenStrictlyBindIp: false,
    legacyPolicies: false,
    legacyPeriod: false,
  };
}

export const TOKEN_FIELDS = [
  'token_policies',
  'policies',
  'token_ttl',
  'token_max_ttl',
  'token_explicit_max_ttl',
  'token_period',
  'period',
  'token_num_uses',
  'token_no_default_policy',
  'token_bound_cidrs',
  'token_type',
  'token_strictly_bind_ip',
];

/** Applies the token fields present in `data` on top of `base` (an update keeps absent fields). */
export function parseTokenParams(
  data: Record<string, unknown>,
  base: TokenParams,
  ttlOverMaxMessage = "'token_ttl' cannot be greater than 'token_max_ttl'",
): TokenParams {
  const p: TokenParams = { ...base };
  if (data['token_policies'] !== undefined)
    p.tokenPolicies = normalisePolicies(
      parseStringList(data['token_policies'], 'token_policies'),
    );
  else if (data['policies'] !== undefined) {
    p.tokenPolicies = normalisePolicies(
      parseStringList(data['policies'], 'policies'),
    );
    p.legacyPolicies = true;
  }
  if (data['token_ttl'] !== undefined)
    p.tokenTtl = nonNegative(
      parseDurationSeconds(data['token_ttl'], 'token_ttl'),
      'token_ttl',
    );
  if (data['token_max_ttl'] !== undefined)
    p.tokenMaxTtl = nonNegative(
      parseDurationSeconds(data['token_max_ttl'], 'token_max_ttl'),
      'token_max_ttl',
    );
  if (data['token_explicit_max_ttl'] !== undefined) {
    p.tokenExplicitMaxTtl = nonNegative(
      parseDurationSeconds(
        data['token_explicit_max_ttl'],
        'token_explicit_max_ttl',
      ),
      'token_explicit_max_ttl',
    );
  }
  if (data['token_period'] !== undefined)
    p.tokenPeriod = nonNegative(
      parseDurationSeconds(data['token_period'], 'token_period'),
      'token_period',
    );
  else if (data['period'] !== undefined) {
    p.tokenPeriod = nonNegative(
      parseDurationSeconds(data['period'], 'period'),
      'period',
    );
    p.legacyPeriod = true;
  }
  if (data['token_num_uses'] !== undefined)
    p.tokenNumUses = parseInteger(data['token_num_uses'], 'token_num_uses');
  if (p.tokenNumUses < 0) badField('token_num_uses cannot be negative');
  if (data['token_no_default_policy'] !== undefined)
    p.tokenNoDefaultPolicy = parseBool(
      data['token_no_default_policy'],
      'token_no_default_policy',
    );
  if (data['token_bound_cidrs'] !== undefined)
    p.tokenBoundCidrs = parseCidrList(
      data['token_bound_cidrs'],
      'token_bound_cidrs',
    );
  if (data['token_strictly_bind_ip'] !== undefined)
    p.tokenStrictlyBindIp = parseBool(
      data['token_strictly_bind_ip'],
      'token_strictly_bind_ip',
    );
  if (data['token_type'] !== undefined) {
    const type = parseString(data['token_type'], 'token_type');
    if (type !== 'default' && type !== 'service' && type !== 'batch')
      badField(`invalid 'token_type' value "${type}"`);
    p.tokenType = type;
  }
  if (p.tokenMaxTtl > 0 && p.tokenTtl > p.tokenMaxTtl)
    badField(ttlOverMaxMessage);
  if (p.tokenType === 'batch' && p.tokenPeriod > 0)
    badField('"token_type" cannot be "batch" when "token_period" is set');
  return p;
}

/** The read view of the token fields (integer seconds, always all keys). */
export function tokenParamsResponse(p: TokenParams): Record<string, unknown> {
  const out: Record<string, unknown> = {
    token_bound_cidrs: p.tokenBoundCidrs,
    token_explicit_max_ttl: p.tokenExplicitMaxTtl,
    token_max_ttl: p.tokenMaxTtl,
    token_no_default_policy: p.tokenNoDefaultPolicy,
    token_num_uses: p.tokenNumUses,
    token_period: p.tokenPeriod,
    token_policies: p.tokenPolicies,
    token_strictly_bind_ip: p.tokenStrictlyBindIp,
    token_ttl: p.tokenTtl,
    token_type: p.tokenType,
  };
  if (p.legacyPolicies) out['policies'] = p.tokenPolicies;
  if (p.legacyPeriod) out['period'] = p.tokenPeriod;
  return out;
}

/**
 * The TTL inputs of a login: 0 means "unset", and the core applies the mount's default
 * and max TTLs with Vault's CalculateTTL (including the capping warning).
 */
export function loginTtls(p: TokenParams): {
  ttlSeconds: number;
  maxTtlSeconds: number;
} {
  const maxes = [p.tokenMaxTtl, p.tokenExplicitMaxTtl].filter((v) => v > 0);
  return {
    ttlSeconds: p.tokenTtl,
    maxTtlSeconds: maxes.length > 0 ? Math.min(...maxes) : 0,
  };
}

/** Builds the auth block the core turns into a token; policies stay sorted like Vault's. */
export function loginResultFrom(
  p: TokenParams,
  login: {
    displayName: string;
    metadata: Record<string, string>;
    alias: LoginResult['alias'];
    boundCidrs?: string[];
  },
): LoginResult {
  const { ttlSeconds, maxTtlSeconds } = loginTtls(p);
  const isBatch = p.tokenType === 'batch';
  const boundCidrs =
    login.boundCidrs && login.boundCidrs.length > 0
      ? login.boundCidrs
      : p.tokenBoundCidrs;
  return {
    policies: [...p.tokenPolicies].sort(),
    metadata: login.metadata,
    ttlSeconds,
    maxTtlSeconds,
    ...(p.tokenPeriod > 0 ? { periodSeconds: p.tokenPeriod } : {}),
    ...(p.tokenNumUses > 0 ? { numUses: p.tokenNumUses } : {}),
    renewable: !isBatch,
    tokenType: isBatch ? 'batch' : 'service',
    noDefaultPolicy: p.tokenNoDefaultPolicy,
    displayName: login.displayName,
    alias: login.alias,
    ...(boundCidrs.length > 0 ? { boundCidrs } : {}),
  };
}

function nonNegative(value: number, field: string): number {
  if (value < 0) badField(`"${field}" cannot be negative`);
  return value;
}

/** Policy names are lower-cased and de-duplicated, as Vault's policyutil does. */
function normalisePolicies(list: string[]): string[] {
  return [...new Set(list.map((p) => p.toLowerCase()))];
}
