// What agent and wallet agree on for service tokens (docs/architecture.md, docs/configuration.md).
/** Service tokens may live at most this long; the verifier enforces it whatever the signer says. */
export const MAX_SERVICE_TTL_SECONDS = 60;
export const MAX_SERVICE_TOKEN_BYTES = 4096;

/** Extra claims of one service token: the request id for the wallet's audit, a scope for admin calls. */
export interface ServiceTokenExtraClaims {
  requestId?: string;
  /** Space-separated scopes (RFC 8693 §4.2 `scope` syntax), e.g. `tenants:admin`. */
  scope?: string;
}

// RFC 6749 §3.3 scope-token characters, space separated.
export const SCOPE_PATTERN =
  /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;
