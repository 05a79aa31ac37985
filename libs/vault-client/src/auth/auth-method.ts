import type { VaultAuthInfo, VaultResponse } from '../response';

/** What a token lookup says about lifetime (for static tokens). */
export interface TokenLookup {
  accessor: string;
  policies: string[];
  ttlSeconds: number;
  renewable: boolean;
  entityId: string;
  expireTime: string | null;
}

/** Metadata of a wrapping token, read without consuming it. */
export interface WrappingLookup {
  creationPath: string;
  creationTime: string;
  creationTtl: number;
}

/** The unauthenticated calls an auth method may make while logging in. */
export interface LoginTransport {
  /** POST to `<path>` without a token and decode the `auth` block. */
  login(path: string, body: Record<string, unknown>): Promise<VaultAuthInfo>;
  /** Unwraps a response-wrapped answer (single use). */
  unwrap(wrappingToken: string): Promise<VaultResponse>;
  lookupWrapping(wrappingToken: string): Promise<WrappingLookup>;
  lookupSelf(token: string): Promise<TokenLookup>;
}

/** An auth method as a strategy: the lifetime module calls `login` when it needs a token. */
export interface AuthMethod {
  /** Short name for logs and errors (`approle`, `jwt`); never a credential. */
  readonly name: string;
  login(transport: LoginTransport): Promise<VaultAuthInfo>;
  /** False for tokens handed in from outside (a static root token is not ours to revoke); default true. */
  readonly revokeOnStop?: boolean;
}
