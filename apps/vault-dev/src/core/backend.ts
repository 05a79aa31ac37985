/**
 * The contract between vault-dev's core (HTTP, tokens, ACL, persistence) and its
 * engines / auth methods (KV v2, AppRole, userpass, JWT, identity, transit, wrapping).
 *
 * The core turns every HTTP request under /v1 into a `BackendRequest` for the mount
 * that owns the path (longest mount-path prefix), after token checks and the ACL.
 * Engines never see HTTP, never format envelopes and never read the clock directly.
 *
 * - `data` and `empty` responses take an optional `status`, so an engine can answer an
 *   envelope-shaped non-200 (KV's soft-deleted 404 with data, the invalid-path 404 with
 *   warnings) without building the envelope itself.
 * - The `auth` response kind is core-internal (auth/token create/renew answer with an existing
 *   token's auth block); engines answer logins with `login`.
 * - The optional `Backend.renew` lets an auth method re-read its role when one of its tokens is
 *   renewed; see `RenewTtls`.
 * - `state()` slices are persisted as JSON: keep them plain objects/arrays/strings (no Map, Set,
 *   Buffer, Date, class instances); store keys as PEM/base64 strings.
 */

/** Vault's logical operations (sdk/logical/request.go). POST/PUT arrive as create or update. */
export type Operation =
  | 'read'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list';

/** What the core knows about the caller's token, or null on unauthenticated paths. */
export interface CallerToken {
  id: string;
  accessor: string;
  policies: string[];
  entityId: string;
  /** 'root' tokens bypass the ACL. */
  isRoot: boolean;
}

export interface BackendRequest {
  operation: Operation;
  /** Path relative to the mount, without leading slash, percent-decoded (`data/a/b`). */
  path: string;
  /** Mount path with trailing slash (`secret/`, `auth/approle/`). */
  mountPath: string;
  mountAccessor: string;
  /** Parsed body for writes; query parameters for read/list/delete. */
  data: Record<string, unknown>;
  /** Present when the request carried a valid token. */
  caller: CallerToken | null;
  /** Remote address, for CIDR-bound secret_ids. */
  remoteAddress: string;
  /** Requested response-wrapping TTL in seconds (0 = none); the core performs the wrap. */
  wrapTtlSeconds: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Auth block an auth method returns on login; the core mints the token from it. */
export interface LoginResult {
  policies: string[];
  /** Extra metadata shown in auth.metadata (e.g. role_name). */
  metadata: Record<string, string>;
  ttlSeconds: number;
  maxTtlSeconds: number;
  periodSeconds?: number;
  numUses?: number;
  renewable: boolean;
  tokenType?: 'service' | 'batch';
  noDefaultPolicy?: boolean;
  displayName: string;
  /** Alias the core looks up or creates on this mount (§7: a login creates entity + alias). */
  alias: { name: string; metadata?: Record<string, string> };
  boundCidrs?: string[];
}

export type BackendResponse =
  /** 200 envelope with `data` (and optional warnings). */
  | {
      kind: 'data';
      data: Record<string, unknown>;
      warnings?: string[];
      status?: number;
    }
  /** 204, or a 200 envelope with data:null when warnings exist (`status` forces an envelope). */
  | { kind: 'empty'; warnings?: string[]; status?: number }
  /** Login: the core issues the token and answers with `auth`. */
  | { kind: 'login'; login: LoginResult; warnings?: string[] }
  /** Core-internal: an `auth` block for an already-issued token (token create/renew). */
  | { kind: 'auth'; auth: Record<string, unknown>; warnings?: string[] }
  /** Raw answer (KV soft-delete 404s, OIDC well-known, introspect): status + body as-is. */
  | {
      kind: 'raw';
      status: number;
      body: unknown;
      headers?: Record<string, string>;
    };

/** An error the core renders as `{"errors":[message]}` with the given status. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    /** Envelope-shaped error bodies (rare): extra fields merged into the body. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(errors.join('; ') || `HTTP ${status}`);
    this.name = 'VaultError';
  }
}

/**
 * A login refused for bad credentials (Vault's `logical.ErrInvalidCredentials`): rendered like
 * any VaultError, and counted by the core's user lockout.
 */
export class InvalidCredentialsError extends VaultError {
  constructor(message: string) {
    super(400, [message]);
    this.name = 'InvalidCredentialsError';
  }
}

/** Services the core lends to engines. Everything stateful goes through here. */
export interface CoreServices {
  /** Injectable clock (ms since epoch); never use Date.now() in engines. */
  now(): number;
  /** Random bytes / ids (uuid v4, base62 strings). */
  uuid(): string;
  randomBase62(length: number): string;
  /** The engine's own persisted state slice: mutate it, then call `persist()`. */
  state<T extends object>(init: () => T): T;
  /** Durably save the whole server state before the response is sent (no-op in memory mode). */
  persist(): Promise<void>;
  /** Identity store access, shared by auth methods and the identity engine. */
  identity: IdentityAccess;
  /** Token store access (wrapping, token lookups from auth methods). */
  tokens: TokenAccess;
  /** Mount table lookup (accessor of other mounts, e.g. for templating and JWT). */
  mountByPath(
    path: string,
  ): { path: string; type: string; accessor: string } | undefined;
  /** Base address the server is reachable at, e.g. http://127.0.0.1:8200 (OIDC issuer). */
  apiAddress(): string;
}

export interface EntityRecord {
  id: string;
  name: string;
  metadata: Record<string, string>;
  policies: string[];
  disabled: boolean;
  creationTime: string;
  lastUpdateTime: string;
}

export interface AliasRecord {
  id: string;
  canonicalId: string;
  mountAccessor: string;
  mountPath: string;
  mountType: string;
  name: string;
  metadata: Record<string, string>;
  customMetadata: Record<string, string>;
  creationTime: string;
  lastUpdateTime: string;
}

/**
 * The identity store lives in the core (logins create entities and aliases, ACL
 * templates read them); the identity engine's HTTP endpoints call these methods.
 * Mutations persist with the rest of the state (call `CoreServices.persist()`).
 */
export interface IdentityAccess {
  entityById(id: string): EntityRecord | undefined;
  entityByName(name: string): EntityRecord | undefined;
  listEntities(): EntityRecord[];
  createEntity(
    fields: Partial<
      Omit<EntityRecord, 'id' | 'creationTime' | 'lastUpdateTime'>
    >,
  ): EntityRecord;
  updateEntity(
    id: string,
    fields: Partial<
      Omit<EntityRecord, 'id' | 'creationTime' | 'lastUpdateTime'>
    >,
  ): EntityRecord;
  /** Deletes the entity, its aliases, and revokes the tokens bound to it. */
  deleteEntity(id: string): void;
  aliasById(id: string): AliasRecord | undefined;
  aliasesOf(entityId: string): AliasRecord[];
  aliasByFactors(mountAccessor: string, name: string): AliasRecord | undefined;
  listAliases(): AliasRecord[];
  createAlias(fields: {
    canonicalId: string;
    mountAccessor: string;
    name: string;
    metadata?: Record<string, string>;
    customMetadata?: Record<string, string>;
  }): AliasRecord;
  updateAlias(
    id: string,
    fields: Partial<
      Pick<
        AliasRecord,
        'name' | 'canonicalId' | 'mountAccessor' | 'metadata' | 'customMetadata'
      >
    >,
  ): AliasRecord;
  deleteAlias(id: string): void;
}

export interface TokenAccess {
  /** Look up a live token by id; undefined if unknown, expired or revoked. */
  lookup(id: string): CallerToken | undefined;
  revoke(id: string): void;
}

/** TTLs an auth method asks for when one of its tokens is renewed. */
export interface RenewTtls {
  ttlSeconds: number;
  maxTtlSeconds: number;
  periodSeconds?: number;
}

/** A mountable engine or auth method. */
export interface Backend {
  /** Mount type as in sys/mounts or sys/auth (`kv`, `approle`, `jwt`, `userpass`, `transit`, `identity`...). */
  readonly type: string;
  /**
   * Paths (relative to the mount) that need no token, e.g. `login`, `login/*`.
   * Everything else requires a valid token and passes the ACL first.
   */
  readonly unauthenticatedPaths?: string[];
  /**
   * Existence check used to map POST/PUT to create vs update (§6); return
   * undefined when the path has no existence check (always `update`).
   */
  exists?(path: string): boolean | undefined;
  handle(req: BackendRequest): Promise<BackendResponse>;
  /**
   * Optional, auth methods with user lockout (userpass, approle): the alias name a login
   * request is for, before it is handled (Vault's alias lookahead); undefined = not a login.
   */
  loginAliasLookahead?(
    path: string,
    data: Record<string, unknown>,
  ): string | undefined;
  /**
   * Optional: called by token renew for tokens this mount issued. Return the TTLs that apply
   * now (the role's or user's current token_ttl / token_max_ttl), or throw a VaultError to
   * refuse (AppRole: `role "x" does not exist during renewal`), or return null for Vault's nil answer
   * (204, the token is not renewed: userpass when the user is gone). Without it, the TTLs from
   * login apply.
   */
  renew?(token: {
    metadata: Record<string, string>;
    aliasName: string;
    policies: string[];
  }): RenewTtls | null | Promise<RenewTtls | null>;
}

/** Factory signature every engine module exports (one instance per mount). */
export type BackendFactory = (
  core: CoreServices,
  mount: { path: string; accessor: string; options: Record<string, string> },
) => Backend;
