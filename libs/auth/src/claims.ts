import { AuthError } from './auth-error';
import type { JwtPayload } from './jwt-parts';

export interface TimeCheck {
  nowSeconds: number;
  clockToleranceSeconds: number;
}

function numericDate(
  payload: JwtPayload,
  name: string,
  required: boolean,
): number | undefined {
  const value = payload[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AuthError('malformed', {
      detail: `The ${name} claim must be a NumericDate.`,
    });
  }
  return value;
}

/** Checks exp (required), nbf and iat (RFC 7519 §4.1.4-6) with a bounded leeway; returns exp and iat. */
export function checkTimeClaims(
  payload: JwtPayload,
  t: TimeCheck,
): { exp: number; iat?: number } {
  const exp = numericDate(payload, 'exp', true) as number;
  const nbf = numericDate(payload, 'nbf', false);
  const iat = numericDate(payload, 'iat', false);
  if (t.nowSeconds >= exp + t.clockToleranceSeconds)
    throw new AuthError('expired');
  if (nbf !== undefined && nbf > t.nowSeconds + t.clockToleranceSeconds)
    throw new AuthError('not_yet_valid');
  // An iat in the future means the issuer's clock or the token is wrong; both are refused.
  if (iat !== undefined && iat > t.nowSeconds + t.clockToleranceSeconds)
    throw new AuthError('not_yet_valid');
  return iat === undefined ? { exp } : { exp, iat };
}

/** Checks `iss` for exact equality with the configured issuer. */
export function checkIssuer(payload: JwtPayload, issuer: string): void {
  if (payload['iss'] !== issuer) throw new AuthError('bad_issuer');
}

/** Checks that `aud` (a string or an array) names one of the accepted audiences. */
export function checkAudience(
  payload: JwtPayload,
  audiences: readonly string[],
): void {
  const aud = payload['aud'];
  const presented = Array.isArray(aud) ? aud : [aud];
  if (
    !presented.some(
      (value) => typeof value === 'string' && audiences.includes(value),
    )
  ) {
    throw new AuthError('bad_audience');
  }
}
