/** Why a token was refused; stable strings callers may switch on and log. */
export type AuthErrorReason =
  | 'missing_token'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'bad_issuer'
  | 'bad_audience'
  | 'unknown_key'
  | 'bad_tenant_claim'
  | 'unsupported_alg'
  | 'too_large'
  | 'jwks_unavailable';

// Fixed texts: a message is built from the reason alone, so no token, claim value or key
// material can ever reach a response body or a log line through it.
const MESSAGES: Readonly<Record<AuthErrorReason, string>> = {
  missing_token: 'No token was presented.',
  malformed: 'The token is not a well-formed JWT.',
  expired: 'The token has expired.',
  not_yet_valid: 'The token is not valid yet.',
  bad_signature: 'The token signature is not valid.',
  bad_issuer: 'The token was issued by an untrusted issuer.',
  bad_audience: 'The token is not meant for this service.',
  unknown_key: 'The token was signed with an unknown key.',
  bad_tenant_claim: 'The token does not name a valid tenant.',
  unsupported_alg: 'The token uses an algorithm that is not accepted.',
  too_large: 'The token is too large.',
  jwks_unavailable:
    'The key set of the token issuer cannot be fetched right now.',
};

/** A refused token; `status` is 401, except `jwks_unavailable` (503: the issuer is down, not the caller wrong). */
export class AuthError extends Error {
  readonly reason: AuthErrorReason;
  readonly status: 401 | 503;
  override readonly cause?: unknown;

  constructor(
    reason: AuthErrorReason,
    options: { detail?: string; cause?: unknown } = {},
  ) {
    super(
      options.detail
        ? `${MESSAGES[reason]} ${options.detail}`
        : MESSAGES[reason],
    );
    this.name = 'AuthError';
    this.reason = reason;
    this.status = reason === 'jwks_unavailable' ? 503 : 401;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** True when `err` is an AuthError. */
export function isAuthError(err: unknown): err is AuthError {
  return (
    err instanceof AuthError ||
    (err instanceof Error && err.name === 'AuthError' && 'reason' in err)
  );
}
