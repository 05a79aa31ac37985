/**
 * The `auth/token/` backend (Vault docs: Token auth API): create, lookup, renew and revoke in their
 * self, by-token and by-accessor forms, and the accessor list.
 */
import {
  VaultError,
  type Backend,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { CoreInternals } from '../core-internals';
import { mountTtls } from '../mounts/mount-table';
import type { TokenEntry } from '../state/vault-state';
import { parseDurationSeconds } from '../util/time-format';
import { createToken } from './token-create';
import { withUnknownFieldsWarning } from '../util/unknown-fields';
import { authBlock, isRootEntry, lookupData } from './token-store';

const CREATE_FIELDS = [
  'id',
  'role_name',
  'policies',
  'meta',
  'no_parent',
  'no_default_policy',
  'renewable',
  'ttl',
  'lease',
  'type',
  'explicit_max_ttl',
  'display_name',
  'num_uses',
  'period',
  'entity_alias',
];

/** The fields of auth/token/* write paths (vault/token_store.go). */
const TOKEN_WRITE_FIELDS: Record<string, readonly string[]> = {
  create: CREATE_FIELDS,
  'create-orphan': CREATE_FIELDS,
  lookup: ['token'],
  'lookup-self': ['token'],
  'lookup-accessor': ['accessor'],
  renew: ['token', 'increment'],
  'renew-self': ['token', 'increment'],
  'renew-accessor': ['accessor', 'increment'],
  revoke: ['token'],
  'revoke-self': [],
  'revoke-accessor': ['accessor'],
  'revoke-orphan': ['token'],
};

function unsupportedPath(): VaultError {
  return new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
}

function stringParam(data: Record<string, unknown>, name: string): string {
  const v = data[name];
  if (typeof v !== 'string' || v === '')
    throw new VaultError(400, [`missing ${name}`]);
  return v;
}

export function createTokenBackend(core: CoreInternals): Backend {
  const self = (req: BackendRequest): TokenEntry | undefined =>
    req.caller ? core.tokens.get(req.caller.id) : undefined;
  const callerIsSudo = (req: BackendRequest, path: string): boolean => {
    const caller = self(req);
    if (!caller) return false;
    return (
      isRootEntry(caller) ||
      core.aclFor(caller).capabilities(path).includes('sudo')
    );
  };

  const lookup = (
    entry: TokenEntry | undefined,
    showId: boolean,
  ): BackendResponse => {
    if (!entry) throw new VaultError(403, ['bad token']);
    return {
      kind: 'data',
      data: lookupData(
        entry,
        core.tokens.ttlRemaining(entry),
        core.identityPolicies(entry),
        showId,
      ),
    };
  };

  const renew = async (
    entry: TokenEntry | undefined,
    data: Record<string, unknown>,
    showId: boolean,
  ): Promise<BackendResponse> => {
    if (!entry) throw new VaultError(400, ['invalid token']);
    const increment = parseDurationSeconds(data['increment']);
    if (increment === undefined || increment < 0)
      throw new VaultError(400, [
        `error converting input ${JSON.stringify(data['increment'])} for field "increment"`,
      ]);
    // Login tokens renew within the limits of the auth mount that issued them, and with
    // the TTLs its role has now when the method can tell (Backend.renew).
    const mount = core.mounts.match(entry.path);
    const issuer =
      mount?.isAuth && mount.type !== 'token'
        ? core.backendFor(mount.path)
        : undefined;
    if (
      issuer?.renew &&
      mount &&
      entry.type === 'service' &&
      entry.renewable &&
      entry.expireMs !== 0
    ) {
      const aliasName =
        core.identity
          .aliasesOf(entry.entityId)
          .find((a) => a.mountAccessor === mount.accessor)?.name ?? '';
      const ttls = await issuer.renew({
        metadata: entry.meta ?? {},
        aliasName,
        policies: entry.policies,
      });
      // Vault's RenewToken passes a nil answer of the auth method through: 204, not renewed.
      if (ttls === null) return { kind: 'empty' };
      entry.backendTtlSeconds = ttls.ttlSeconds;
      entry.maxTtlSeconds = ttls.maxTtlSeconds;
      entry.periodSeconds = ttls.periodSeconds ?? entry.periodSeconds;
    }
    const limits = mountTtls(mount);
    // lease_duration is the TTL granted at the renewal's own clock reading, not re-read later.
    const { ttlSeconds, warnings } = core.tokens.renew(entry, increment, {
      mountDefaultSeconds: limits.defaultTtlSeconds,
      mountMaxSeconds: limits.maxTtlSeconds,
    });
    return {
      kind: 'auth',
      auth: authBlock(entry, core.identityPolicies(entry), ttlSeconds, showId),
      warnings,
    };
  };

  const revoke = (
    entry: TokenEntry | undefined,
    orphanChildren: boolean,
  ): BackendResponse => {
    if (!entry) return { kind: 'empty' };
    if (entry.type === 'batch')
      throw new VaultError(400, ['batch tokens cannot be revoked']);
    if (orphanChildren) {
      for (const child of Object.values(core.state.tokens)) {
        if (child.parentId === entry.id) {
          child.parentId = '';
          child.orphan = true;
        }
      }
    }
    core.tokens.revokeTree(entry.id);
    return { kind: 'empty' };
  };

  const route = (
    req: BackendRequest,
  ): BackendResponse | Promise<BackendResponse> => {
    const path = req.path.replace(/\/$/, '');
    const op = req.operation;
    const write = op === 'update' || op === 'create';
    const tokenArg = (): TokenEntry | undefined =>
      core.tokens.get(stringParam(req.data, 'token'));
    const accessorArg = (): TokenEntry | undefined => {
      const entry = core.tokens.byAccessor(stringParam(req.data, 'accessor'));
      if (!entry) throw new VaultError(400, ['invalid accessor']);
      return entry;
    };
    if (path === 'create' || path === 'create-orphan') {
      if (!write) throw unsupportedPath();
      const isSudo = callerIsSudo(req, `auth/token/${path}`);
      return createToken(core, self(req), req.data, {
        orphan: path === 'create-orphan',
        path: `auth/token/${path}`,
        isSudo,
      });
    }
    if (path === 'lookup-self' && (op === 'read' || write))
      return lookup(self(req), true);
    if (path === 'lookup' && (op === 'read' || write))
      return lookup(tokenArg(), true);
    if (path === 'lookup-accessor' && write)
      return lookup(accessorArg(), false);
    if (path === 'renew-self' && write) return renew(self(req), req.data, true);
    if (path === 'renew' && write) return renew(tokenArg(), req.data, true);
    if (path === 'renew-accessor' && write)
      return renew(accessorArg(), req.data, false);
    if (path === 'revoke-self' && write)
      return revoke(
        self(req) ?? core.state.tokens[req.caller?.id ?? ''],
        false,
      );
    if (path === 'revoke' && write) return revoke(tokenArg(), false);
    if (path === 'revoke-accessor' && write)
      return revoke(accessorArg(), false);
    if (path === 'revoke-orphan' && write) return revoke(tokenArg(), true);
    if (path === 'accessors' && op === 'list')
      return { kind: 'data', data: { keys: core.tokens.accessors() } };
    throw unsupportedPath();
  };

  return {
    type: 'token',
    async handle(req) {
      const res = await route(req);
      const known =
        req.operation === 'create' || req.operation === 'update'
          ? TOKEN_WRITE_FIELDS[req.path.replace(/\/$/, '')]
          : undefined;
      return known ? withUnknownFieldsWarning(res, req.data, known) : res;
    },
  };
}
