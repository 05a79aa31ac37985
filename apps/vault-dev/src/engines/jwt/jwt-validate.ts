/**
 * JWT claim validation in the order and with the texts of hashicorp/cap's
 * jwt.Validate and vault-plugin-auth-jwt. Pure: the clock is an input.
 */
export interface ExpectedClaims {
  issuer: string;
  subject: string;
  audiences: string[];
  nowS: number;
  /** Leeway for exp/nbf/iat (clock_skew_leeway; 60 s by default). */
  skewS: number;
}

/** Returns cap's error text for the first failing registered claim, or undefined when valid. */
export function registeredClaimProblem(
  claims: Record<string, unknown>,
  expected: ExpectedClaims,
): string | undefined {
  if (expected.issuer !== '' && claims['iss'] !== expected.issuer)
    return 'invalid issuer (iss) claim';
  if (expected.subject !== '' && claims['sub'] !== expected.subject)
    return 'invalid subject (sub) claim';
  if (expected.audiences.length > 0) {
    const aud = audiencesOf(claims);
    if (!aud.some((a) => expected.audiences.includes(a))) {
      return 'invalid audience (aud) claim: audience claim does not match any expected audience';
    }
  }
  const exp = numeric(claims['exp']);
  const nbf = numeric(claims['nbf']);
  const iat = numeric(claims['iat']);
  if (exp === undefined && nbf === undefined && iat === undefined) {
    return 'no issued at (iat), not before (nbf), or expiration time (exp) claims in token';
  }
  const { nowS, skewS } = expected;
  if (exp !== undefined && nowS - skewS > exp)
    return 'invalid expiration time (exp) claim: token is expired';
  if (nbf !== undefined && nowS + skewS < nbf)
    return 'invalid not before (nbf) claim: token not yet valid';
  if (iat !== undefined && nowS + skewS < iat)
    return 'invalid issued at (iat) claim: token issued in the future';
  return undefined;
}

export function audiencesOf(claims: Record<string, unknown>): string[] {
  const aud = claims['aud'];
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud))
    return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** Reads a claim by name, or by JSON pointer when it starts with `/` (bound_claims, claim_mappings). */
export function claimValue(
  claims: Record<string, unknown>,
  name: string,
): unknown {
  if (!name.startsWith('/'))
    return Object.prototype.hasOwnProperty.call(claims, name)
      ? claims[name]
      : undefined;
  let cur: unknown = claims;
  for (const raw of name.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (
      typeof cur !== 'object' ||
      cur === null ||
      !Object.prototype.hasOwnProperty.call(cur, part)
    )
      return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Checks bound_claims; returns the error text (without the "error validating claims: " prefix). */
export function boundClaimsProblem(
  claims: Record<string, unknown>,
  bound: Record<string, string | string[]>,
  type: 'string' | 'glob',
): string | undefined {
  for (const [name, expected] of Object.entries(bound)) {
    const actual = claimValue(claims, name);
    if (actual === undefined) return `claim "${name}" is missing`;
    const actualValues = (Array.isArray(actual) ? actual : [actual]).map((v) =>
      typeof v === 'string' ? v : JSON.stringify(v),
    );
    const expectedValues = Array.isArray(expected) ? expected : [expected];
    const matches = (a: string, e: string) =>
      type === 'glob' ? globMatch(e, a) : a === e;
    if (!actualValues.some((a) => expectedValues.some((e) => matches(a, e)))) {
      return `claim "${name}" does not match any associated bound claim values`;
    }
  }
  return undefined;
}

/** Vault's glob: `*` matches any run of characters, nothing else is special. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return re.test(value);
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}
