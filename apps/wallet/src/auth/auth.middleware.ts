import type { RequestHandler, Response } from 'express';
import { SERVICE_TOKEN_HEADER } from '@secret-flows/contracts';
import {
  AuthError,
  isAuthError,
  type JwksVerifier,
  type ServiceTokenVerifier,
} from '@secret-flows/auth';
import type { Metrics } from '@secret-flows/telemetry';

/** The caller a tenant route acts for; the tenant comes from the verified JWT and nowhere else. */
export interface TenantPrincipal {
  tenantId: string;
  subject: string;
  expiresAt: Date;
  /** Verified `iss` and `iat` (seconds; undefined when absent): with the above, what the token means. */
  issuer: string;
  issuedAt?: number;
  /** The verified JWT itself, kept for the phase 4 exchange (auth/jwt/login); never logged. */
  jwt: string;
}

type AuthFailures = Pick<Metrics['counters'], 'authFailures'>;

/** Requires a valid agent service token (X-Service-Token) on every /v1 route. */
export function requireServiceToken(deps: {
  verifier: Pick<ServiceTokenVerifier, 'verify'>;
  counters: AuthFailures;
}): RequestHandler {
  return (req, _res, next) => {
    try {
      deps.verifier.verify(req.get(SERVICE_TOKEN_HEADER));
      next();
    } catch (err) {
      countFailure(deps.counters, 'service', err);
      next(err);
    }
  };
}

/** Requires `Authorization: Bearer <tenant JWT>` and stores the verified principal for the route. */
export function requireTenant(deps: {
  verifier: Pick<JwksVerifier, 'verify'>;
  counters: AuthFailures;
}): RequestHandler {
  return async (req, res, next) => {
    try {
      const jwt = bearerToken(req.get('authorization'));
      const claims = await deps.verifier.verify(jwt);
      const iat = claims.claims['iat'];
      const principal: TenantPrincipal = {
        tenantId: claims.tenantId,
        subject: claims.subject,
        expiresAt: claims.expiresAt,
        issuer: String(claims.claims['iss']),
        issuedAt: typeof iat === 'number' ? iat : undefined,
        jwt,
      };
      res.locals['tenant'] = principal;
      next();
    } catch (err) {
      countFailure(deps.counters, 'tenant', err);
      next(err);
    }
  };
}

/** The principal set by requireTenant; a route mounted without it is a programming error. */
export function tenantOf(res: Response): TenantPrincipal {
  const tenant = res.locals['tenant'] as TenantPrincipal | undefined;
  if (!tenant) throw new Error('tenant route mounted without requireTenant');
  return tenant;
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  if (!match) throw new AuthError('missing_token');
  return match[1];
}

function countFailure(
  counters: AuthFailures,
  kind: 'service' | 'tenant',
  err: unknown,
): void {
  counters.authFailures.inc({
    kind,
    reason: isAuthError(err) ? err.reason : 'error',
  });
}
