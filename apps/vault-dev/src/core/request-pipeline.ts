/**
 * The request pipeline (Vault: vault/request_handling.go): route to the owning mount, check the
 * token, map POST/PUT to create/update via the existence check, enforce the ACL
 * (with sudo on root-protected paths), call the backend, render its answer, mint
 * login tokens, wrap responses on request, and persist before replying.
 */
import {
  InvalidCredentialsError,
  VaultError,
  type Backend,
  type BackendRequest,
  type BackendResponse,
  type Operation,
} from './backend';
import type { CoreInternals } from './core-internals';
import {
  aclDenied,
  envelope,
  errorReply,
  injectsTopLevel,
  tokenDenied,
  withTopLevelData,
  type Reply,
} from './http/reply';
import type { VaultRequest } from './http/vault-request';
import { cidrListAllows } from './util/cidr';
import { mintLoginToken } from './tokens/login';
import { isRootEntry } from './tokens/token-store';
import type { MountEntry, TokenEntry } from './state/vault-state';
import { INVALID_WRAPPING_TOKEN } from './wrapping/wrapping-store';

/** Paths that need `sudo` in addition to the operation's capability (Vault's root paths). */
const SUDO_PATTERNS = [
  'sys/auth/*',
  'sys/audit',
  'sys/audit/*',
  'sys/raw',
  'sys/raw/*',
  'sys/remount',
  'sys/rotate',
  'sys/seal',
  'sys/step-down',
  'sys/leases/revoke-prefix/*',
  'sys/leases/revoke-force/*',
  'sys/leases/lookup/*',
  'sys/plugins/catalog/*',
  'sys/config/auditing/*',
  'auth/token/accessors/',
  'auth/token/revoke-orphan',
  'auth/token/revoke-orphan/*',
];

function matchesPattern(path: string, pattern: string): boolean {
  return pattern.endsWith('*')
    ? path.startsWith(pattern.slice(0, -1))
    : path === pattern;
}

export function needsSudo(path: string): boolean {
  return SUDO_PATTERNS.some((p) => matchesPattern(path, p));
}

function isUnauthenticated(backend: Backend, relPath: string): boolean {
  return (backend.unauthenticatedPaths ?? []).some((p) =>
    matchesPattern(relPath, p),
  );
}

function mountTypeOf(mount: MountEntry): string {
  return mount.type === 'system' ? 'system' : mount.type;
}

interface Route {
  mount: MountEntry;
  backend: Backend;
  relPath: string;
}

export function createRequestPipeline(
  core: CoreInternals,
): (req: VaultRequest, requestId: string) => Promise<Reply> {
  // Tokens serving their last use: already spent for every other request, even concurrent ones.
  const spent = new Set<string>();

  const authenticate = (
    req: VaultRequest,
    unauthenticated: boolean,
  ): TokenEntry | undefined => {
    const found =
      req.token !== undefined ? core.tokens.get(req.token) : undefined;
    const entry = found && !spent.has(found.id) ? found : undefined;
    const entity = entry?.entityId
      ? core.identity.entityById(entry.entityId)
      : undefined;
    const valid =
      entry !== undefined &&
      !entity?.disabled &&
      (entry.boundCidrs.length === 0 ||
        cidrListAllows(entry.boundCidrs, req.remoteAddress));
    if (valid) return entry;
    if (unauthenticated) return undefined;
    // Unwrapping with a spent wrapping token is a 400, not a 403 (Vault docs: Response wrapping).
    if (req.path === 'sys/wrapping/unwrap' && req.token !== undefined)
      throw new VaultError(400, [INVALID_WRAPPING_TOKEN]);
    throw tokenDenied();
  };

  const resolveOperation = (
    backend: Backend,
    req: VaultRequest,
    relPath: string,
  ): Operation => {
    if (req.operation !== 'update') return req.operation;
    const exists = backend.exists?.(relPath);
    return exists === false ? 'create' : 'update';
  };

  const render = (
    res: BackendResponse,
    req: VaultRequest,
    mount: MountEntry,
    requestId: string,
  ): Reply => {
    const mountType = mountTypeOf(mount);
    switch (res.kind) {
      case 'raw':
        return { status: res.status, body: res.body, headers: res.headers };
      case 'empty':
        if (res.status === undefined && (res.warnings ?? []).length === 0)
          return { status: 204 };
        return {
          status: res.status ?? 200,
          body: envelope({
            requestId,
            data: null,
            warnings: res.warnings,
            mountType,
          }),
        };
      case 'data': {
        if (req.operation === 'list' && res.status === undefined) {
          const keys = res.data['keys'];
          if (!Array.isArray(keys) || keys.length === 0) {
            if ((res.warnings ?? []).length === 0)
              throw new VaultError(404, []);
          }
        }
        let body = envelope({
          requestId,
          data: res.data,
          warnings: res.warnings,
          mountType,
        });
        if (injectsTopLevel(req.path)) body = withTopLevelData(body);
        return { status: res.status ?? 200, body };
      }
      case 'auth':
        return {
          status: 200,
          body: envelope({
            requestId,
            data: null,
            auth: res.auth,
            warnings: res.warnings,
            mountType,
          }),
        };
      case 'login': {
        const path = req.path.replace(/\/$/, '');
        const { auth, warnings } = mintLoginToken(core, mount, res.login, path);
        return {
          status: 200,
          body: envelope({
            requestId,
            data: null,
            auth,
            warnings: [...(res.warnings ?? []), ...warnings],
            mountType,
          }),
        };
      }
    }
  };

  const maybeWrap = (
    reply: Reply,
    req: VaultRequest,
    ttlSeconds: number,
  ): Reply => {
    if (
      ttlSeconds <= 0 ||
      reply.status !== 200 ||
      !reply.body ||
      typeof reply.body !== 'object'
    )
      return reply;
    const body = reply.body as Record<string, unknown>;
    if (!('request_id' in body)) return reply;
    const data = body['data'] as Record<string, unknown> | null;
    const auth = body['auth'] as Record<string, unknown> | null;
    const wrappedAccessor =
      typeof data?.['secret_id_accessor'] === 'string'
        ? (data['secret_id_accessor'] as string)
        : typeof auth?.['accessor'] === 'string'
          ? (auth['accessor'] as string)
          : undefined;
    const wrapInfo = core.wrapping.wrap(
      body,
      req.path.replace(/\/$/, ''),
      ttlSeconds,
      wrappedAccessor || undefined,
    );
    return {
      status: 200,
      body: envelope({
        requestId: '',
        data: null,
        wrapInfo,
        mountType: body['mount_type'] as string | undefined,
      }),
    };
  };

  const toBackendRequest = (
    req: VaultRequest,
    route: Route,
    operation: Operation,
    entry: TokenEntry | undefined,
  ): BackendRequest => ({
    operation,
    path: route.relPath,
    mountPath: route.mount.path,
    mountAccessor: route.mount.accessor,
    data: req.data,
    caller: entry
      ? {
          id: entry.id,
          accessor: entry.accessor,
          policies: [...entry.policies, ...core.identityPolicies(entry)],
          entityId: entry.entityId,
          isRoot: isRootEntry(entry),
        }
      : null,
    remoteAddress: req.remoteAddress,
    wrapTtlSeconds: req.wrapTtlSeconds,
    headers: req.headers,
  });

  /** Token check, routing, existence check and ACL; returns what the backend call needs. */
  const admit = (
    req: VaultRequest,
  ): {
    route: Route;
    operation: Operation;
    entry: TokenEntry | undefined;
    unauthenticated: boolean;
  } => {
    const mount = core.mounts.match(req.path);
    const backend = mount ? core.backendFor(mount.path) : undefined;
    const relPath = mount
      ? req.path.slice(Math.min(mount.path.length, req.path.length))
      : req.path;
    const unauthenticated =
      backend !== undefined && isUnauthenticated(backend, relPath);
    const entry = authenticate(req, unauthenticated);
    if (!mount || !backend)
      throw new VaultError(404, [
        `no handler for route "${req.path}". route entry not found.`,
      ]);
    const operation = resolveOperation(backend, req, relPath);
    if (!unauthenticated && entry && !isRootEntry(entry)) {
      if (
        !core
          .aclFor(entry)
          .allows(operation, req.path, needsSudo(req.path), req.data)
      )
        throw aclDenied();
    }
    return {
      route: { mount, backend, relPath },
      operation,
      entry,
      unauthenticated,
    };
  };

  return async (req, requestId) => {
    let mutated = req.operation !== 'read' && req.operation !== 'list';
    try {
      const { route, operation, entry, unauthenticated } = admit(req);
      // The last use of a num_uses token still serves this request; it is revoked right after.
      const counted =
        entry !== undefined && !unauthenticated && entry.numUses > 0;
      const exhausted = counted && core.tokens.use(entry);
      mutated ||= counted;
      if (exhausted) spent.add(entry.id);
      // User lockout on login paths of userpass / approle mounts (see lockout/user-lockout.ts).
      const lockoutAlias =
        unauthenticated && core.lockout.applies(route.mount)
          ? route.backend.loginAliasLookahead?.(route.relPath, req.data)
          : undefined;
      if (
        lockoutAlias !== undefined &&
        core.lockout.isLocked(route.mount, lockoutAlias)
      )
        throw new VaultError(403, ['permission denied']);
      let result: BackendResponse;
      try {
        result = await route.backend.handle(
          toBackendRequest(req, route, operation, entry),
        );
        if (lockoutAlias !== undefined && result.kind === 'login')
          core.lockout.clear(route.mount, lockoutAlias);
      } catch (err) {
        if (
          lockoutAlias !== undefined &&
          err instanceof InvalidCredentialsError
        )
          core.lockout.recordFailure(route.mount, lockoutAlias);
        throw err;
      } finally {
        if (exhausted) {
          core.tokens.revokeTree(entry.id);
          spent.delete(entry.id);
        }
      }
      if (result.kind === 'login') mutated = true;
      let reply = render(result, req, route.mount, requestId);
      if (req.wrapTtlSeconds > 0) {
        const wrapped = maybeWrap(reply, req, req.wrapTtlSeconds);
        mutated ||= wrapped !== reply;
        reply = wrapped;
      }
      if (mutated) await core.persist();
      return reply;
    } catch (err) {
      if (mutated) await core.persist();
      if (err instanceof VaultError) return errorReply(err);
      throw err;
    }
  };
}
