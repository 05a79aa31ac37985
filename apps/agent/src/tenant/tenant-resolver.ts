import { AppError } from '@secret-flows/contracts';
import type { Request } from 'express';
import type { TenantContext } from '../backend/secret-backend';

/** Finds out which tenant a request acts for, or throws an AppError (401/503). */
export interface TenantResolver {
  resolve(req: Request): Promise<Omit<TenantContext, 'requestId'>>;
}

/** The tenant of phases 1-2: the gateway authenticated the API key, and there is one tenant. */
export const DEFAULT_TENANT_ID = 'default';

/** Phases 1-2: every request is tenant `default` (the gateway's key-auth already admitted it). */
export function createSingleTenantResolver(): TenantResolver {
  return { resolve: async () => ({ tenantId: DEFAULT_TENANT_ID }) };
}

/** What the agent needs of libs/auth's JWKS verifier. */
export interface TenantJwtVerifier {
  verify(token: string): Promise<{ tenantId: string }>;
}

// RFC 6750 §2.1: the scheme is case-insensitive; the token is one b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Phases 3-4: the tenant comes only from a verified JWT, checked here before anything reaches the
 * wallet (a cheap early reject; the wallet verifies it again).
 */
export function createJwtTenantResolver(
  verifier: TenantJwtVerifier,
): TenantResolver {
  return {
    async resolve(req) {
      const match = BEARER.exec(req.get('authorization') ?? '');
      if (!match?.[1]) {
        throw new AppError(
          'unauthorized',
          'A tenant JWT is required: Authorization: Bearer <jwt>.',
        );
      }
      const token = match[1];
      try {
        const { tenantId } = await verifier.verify(token);
        return { tenantId, bearerToken: token };
      } catch (err) {
        throw fromVerifierError(err);
      }
    },
  };
}

function fromVerifierError(err: unknown): AppError {
  const reason =
    typeof err === 'object' && err !== null
      ? (err as { reason?: unknown }).reason
      : undefined;
  // Without the issuer's keys nothing can be verified; that is an outage, not the tenant's fault.
  if (reason === 'jwks_unavailable') {
    return new AppError(
      'service_unavailable',
      'The token issuer keys are unavailable.',
      { cause: err },
    );
  }
  // The reason (expired, bad signature, wrong audience...) stays in the log; the body says only 401.
  return new AppError('unauthorized', 'The tenant JWT is not valid.', {
    cause: err,
  });
}
