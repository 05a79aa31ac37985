import { randomBytes, randomUUID } from 'node:crypto';
import {
  AppError,
  isAppError,
  type CreatedWallet,
  type CreateWalletRequest,
  type PageQuery,
  type Wallet,
} from '@secret-flows/contracts';
import {
  isCasMismatch,
  isNotFound,
  isVaultUnavailable,
  VaultAuthError,
  type VaultClient,
} from '@secret-flows/vault-client';
import type { WalletCore } from '@secret-flows/wallet-core';
import type { AsTenant } from './tenant-identity';
import {
  deletedEntityName,
  liveEntityName,
  liveTenantIds,
  tenantMetadata,
  toTenantRecord,
  toWallet,
  type TenantRecord,
} from './tenant-records';

/** The tenant lifecycle the wallet executes for the agent's `/wallets` admin API (docs/architecture.md, ADR 0016). */
export interface TenantDirectory {
  create(input: CreateWalletRequest): Promise<CreatedWallet>;
  /** One page in id order; `hasNext` when more live tenants follow. */
  list(page: PageQuery): Promise<{ contents: Wallet[]; hasNext: boolean }>;
  get(id: string): Promise<Wallet>;
  delete(id: string): Promise<void>;
}

export interface TenantDirectoryOptions {
  /** The wallet's own (provisioner) client: entities, aliases, userpass users, tenant-data erasure. */
  vault: Pick<VaultClient, 'identity' | 'auth' | 'sys' | 'kvV2'>;
  walletCore: WalletCore;
  asTenant: AsTenant;
  userpassMount: string;
  jwtMount: string;
  /** Called once a tenant is disabled, so cached tenant tokens are dropped at once. */
  onDisabled?: (tenantId: string) => void;
  retryAfterSeconds: number;
  /** Token lifetime of tenant logins (Go duration); default 1 h like the identity token. */
  loginTokenTtl?: string;
  /** KV v2 mount of the claim records (`<mount>/data/tenant-claims/<id>`); default `secret`. */
  claimsMount?: string;
  /** How long a create or delete in flight holds its id before a retry may take it over; default 2 min. */
  claimLeaseMs?: number;
  now?: () => number;
}

const LOGIN_POLICY = 'tenant-login';
const READ_CONCURRENCY = 8;
const CLAIMS_PREFIX = 'tenant-claims';
const DEFAULT_CLAIM_LEASE_MS = 120_000;

/** Where an id's claim record is: the state of the last operation that won it (docs/adr/0016). */
type ClaimState = 'creating' | 'active' | 'released' | 'deleting' | 'deleted';
interface Claim {
  version: number;
  owner: string;
}

/**
 * Tenants kept in Vault alone: each is an entity (`tenant_id` metadata) with a userpass login and
 * a `jwt`-mount alias, and a seed written with the tenant's own token. Creation is idempotent by
 * id (a half-made tenant is completed by a retry), a finished one is never re-issued (409).
 * Creates and deletes win their id with a KV check-and-set claim record, so wallet replicas that
 * race on one id give exactly one of them the password or the deletion; the others get 409.
 * @example createVaultTenantDirectory({ vault, walletCore, asTenant, userpassMount: 'userpass', jwtMount: 'jwt', retryAfterSeconds: 5 })
 */
export function createVaultTenantDirectory(
  options: TenantDirectoryOptions,
): TenantDirectory {
  const { vault, walletCore } = options;
  const identity = vault.identity;
  const userpass = vault.auth.userpass(options.userpassMount);
  const claims = vault.kvV2(options.claimsMount ?? 'secret');
  const leaseMs = options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  const now = options.now ?? Date.now;
  let accessors: { userpass: string; jwt: string } | undefined;

  // Replicas share nothing but Vault, so an id is won with KV v2 check-and-set on its claim record:
  // `cas: 0` when there is none, `cas: <version read>` to move it on. Exactly one writer of a given
  // version succeeds, whichever wallet it runs in; the others are told 409 (never a second password).
  async function claim(
    id: string,
    intent: 'creating' | 'deleting',
  ): Promise<Claim> {
    const path = `${CLAIMS_PREFIX}/${id}`;
    const current = await claims.read(path);
    const version = current?.metadata.version ?? 0;
    if (current) {
      const state = current.data['state'] as ClaimState;
      const since = Number(current.data['since']);
      const inFlight = state === 'creating' || state === 'deleting';
      const stale = inFlight && !(now() - since < leaseMs);
      if (state === 'deleted')
        throw intent === 'deleting' ? notFound() : conflict();
      if (inFlight && !stale)
        throw new AppError(
          'conflict',
          `Another request is ${state === 'creating' ? 'creating' : 'deleting'} this wallet.`,
        );
      if (intent === 'creating' && state === 'active') throw conflict();
    }
    const owner = randomUUID();
    try {
      const written = await claims.write(
        path,
        { state: intent, owner, since: now() },
        { cas: version },
      );
      return { version: written.version, owner };
    } catch (err) {
      if (isCasMismatch(err))
        throw new AppError(
          'conflict',
          'Another request is changing this wallet.',
        );
      throw err;
    }
  }

  /** Moves a won claim on; false when another request took it over (our lease ran out). */
  async function settle(
    id: string,
    held: Claim,
    state: ClaimState,
  ): Promise<boolean> {
    try {
      await claims.write(
        `${CLAIMS_PREFIX}/${id}`,
        { state, owner: held.owner, since: now() },
        { cas: held.version },
      );
      return true;
    } catch (err) {
      if (isCasMismatch(err)) return false;
      throw err;
    }
  }

  // A lease that ran out may be taken over: stop before a step another request may now repeat.
  function ensureLease(started: number): void {
    if (!(now() - started < leaseMs))
      throw new AppError(
        'conflict',
        'This request took too long and gave the wallet id up; retry.',
      );
  }

  async function mountAccessors(): Promise<{ userpass: string; jwt: string }> {
    if (accessors) return accessors;
    const [up, jwt] = await Promise.all([
      vault.sys.authAccessor(options.userpassMount),
      vault.sys.authAccessor(options.jwtMount),
    ]);
    if (!up || !jwt)
      throw new AppError(
        'internal',
        'Tenant auth mounts are not enabled in Vault.',
      );
    return (accessors = { userpass: up, jwt });
  }

  async function find(id: string): Promise<TenantRecord | undefined> {
    const live = await identity.readEntityByName(liveEntityName(id));
    const entity =
      live ?? (await identity.readEntityByName(deletedEntityName(id)));
    return entity && toTenantRecord(entity);
  }

  async function ensureAlias(
    entityId: string,
    name: string,
    mountAccessor: string,
  ): Promise<void> {
    const owner = await identity.lookupEntity({
      aliasName: name,
      aliasMountAccessor: mountAccessor,
    });
    if (owner?.id === entityId) return;
    if (owner)
      throw new AppError('conflict', 'This tenant id is already in use.');
    await identity.createEntityAlias({
      name,
      canonicalId: entityId,
      mountAccessor,
    });
  }

  async function provision(
    id: string,
    input: CreateWalletRequest,
    entityId: string,
    held: Claim,
    started: number,
  ): Promise<CreatedWallet> {
    const mounts = await mountAccessors();
    ensureLease(started);
    // Shown once and never stored by us: a retry of a half-made tenant gets a new one.
    const password = randomBytes(24).toString('base64url');
    await userpass.writeUser(id, {
      password,
      tokenPolicies: [LOGIN_POLICY],
      tokenTtl: options.loginTokenTtl ?? '1h',
    });
    await ensureAlias(entityId, id, mounts.userpass);
    await ensureAlias(entityId, id, mounts.jwt);
    const seed =
      input.seed === undefined ? undefined : Buffer.from(input.seed, 'hex');
    await options.asTenant({ username: id, password }, (tenant) =>
      walletCore.forClient(id, tenant).seed.ensure(seed),
    );
    ensureLease(started);
    await identity.updateEntity(entityId, {
      metadata: tenantMetadata({ id, name: input.name, state: 'active' }),
    });
    // The password is handed out only by the request that still holds the claim: had another one
    // taken it over, that one may have written a different password.
    if (!(await settle(id, held, 'active')))
      throw new AppError(
        'conflict',
        'Another request took this wallet id over; its login is not this one.',
      );
    const record = await find(id);
    if (!record)
      throw new AppError(
        'internal',
        'The tenant vanished while it was created.',
      );
    return { ...toWallet(record), login: { username: id, password } };
  }

  // Best effort: whatever is left stays `provisioning`, invisible, and a retry completes it.
  async function rollback(id: string, entityId: string): Promise<void> {
    try {
      // Another wallet replica may have completed the same id meanwhile: never undo a live tenant.
      if ((await find(id))?.state !== 'provisioning') return;
      await deleteLogin(id);
      await walletCore.forClient(id, vault).destroyAll();
      await identity.deleteEntity(entityId);
    } catch {
      // The retry path (same id) handles the remains.
    }
  }

  async function deleteLogin(id: string): Promise<void> {
    try {
      await userpass.deleteUser(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function create(input: CreateWalletRequest): Promise<CreatedWallet> {
    const id = (input.id ?? randomUUID()).toLowerCase();
    // A finished (or deleted) tenant is never re-issued: its password was shown once, and a
    // deleted id stays dead so its old JWTs can never come back to life.
    const refuse = (record: TenantRecord | undefined) =>
      record && (record.state !== 'provisioning' || record.name !== input.name);
    if (refuse(await find(id))) throw conflict();
    const started = now();
    const held = await claim(id, 'creating');
    let entityId: string | undefined;
    let existing: TenantRecord | undefined;
    try {
      // Read again under the claim: another replica may have finished or deleted it meanwhile.
      existing = await find(id);
      if (refuse(existing)) throw conflict();
      entityId =
        existing?.entityId ??
        (
          await identity.createEntity({
            name: liveEntityName(id),
            metadata: tenantMetadata({
              id,
              name: input.name,
              state: 'provisioning',
            }),
          })
        ).id;
      return await provision(id, input, entityId, held, started);
    } catch (err) {
      if (
        entityId &&
        !existing &&
        !(isAppError(err) && err.code === 'conflict')
      )
        await rollback(id, entityId);
      // Released so a retry need not wait for the lease. Harmless when another request took the
      // claim over or this one already moved it on: the check-and-set on our version then fails.
      await settle(id, held, 'released').catch(() => false);
      throw err;
    }
  }

  async function list(
    page: PageQuery,
  ): Promise<{ contents: Wallet[]; hasNext: boolean }> {
    const ids = liveTenantIds(await identity.listEntityNames());
    const slice = ids.slice(page.offset, page.offset + page.limit);
    const records: (TenantRecord | undefined)[] = [];
    for (let i = 0; i < slice.length; i += READ_CONCURRENCY) {
      records.push(
        ...(await Promise.all(slice.slice(i, i + READ_CONCURRENCY).map(find))),
      );
    }
    const contents = records
      .filter((r): r is TenantRecord => r?.state === 'active')
      .map(toWallet);
    return { contents, hasNext: ids.length > page.offset + page.limit };
  }

  async function get(id: string): Promise<Wallet> {
    const record = await find(id.toLowerCase());
    if (record?.state !== 'active')
      throw new AppError('not_found', 'No such wallet.');
    return toWallet(record);
  }

  async function remove(rawId: string): Promise<void> {
    const id = rawId.toLowerCase();
    const first = await find(id);
    if (!first || first.state === 'deleted') throw notFound();
    const held = await claim(id, 'deleting');
    try {
      // Read again under the claim: another replica may have finished deleting it meanwhile.
      const record = await find(id);
      if (!record || record.state === 'deleted') throw notFound();
      const meta = { id, name: record.name };
      // Disabled first: from this moment Vault refuses every token of the entity (cached exchanged
      // tokens included) and every JWT login through its jwt alias, before anything is destroyed.
      if (record.state !== 'deleting') {
        await identity.updateEntity(record.entityId, {
          name: deletedEntityName(id),
          disabled: true,
          metadata: tenantMetadata({ ...meta, state: 'deleting' }),
        });
      }
      options.onDisabled?.(id);
      await deleteLogin(id);
      await walletCore.forClient(id, vault).destroyAll();
      // The entity stays as a disabled tombstone: deleting it would free the jwt alias, and the
      // next login with an old JWT would get a fresh entity whose token reaches tenants/<id>/.
      await identity.updateEntity(record.entityId, {
        metadata: tenantMetadata({ ...meta, state: 'deleted' }),
      });
      // If our lease ran out and another request took over, it finishes the same idempotent steps.
      await settle(id, held, 'deleted');
    } catch (err) {
      // Released, so a retried DELETE finishes the idempotent steps at once (best effort; the
      // check-and-set on our version makes it a no-op if another request took the claim over).
      await settle(id, held, 'released').catch(() => false);
      throw err;
    }
  }

  const translated =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toAppError(err, options.retryAfterSeconds);
      }
    };

  return {
    create: translated(create),
    list: translated(list),
    get: translated(get),
    delete: translated(remove),
  };
}

const conflict = () =>
  new AppError('conflict', 'A wallet with this id already exists.');
const notFound = () => new AppError('not_found', 'No such wallet.');

function toAppError(err: unknown, retryAfterSeconds: number): AppError {
  if (isAppError(err)) return err;
  // The wallet's own login failing is an outage to the caller, who can only retry.
  if (isVaultUnavailable(err) || err instanceof VaultAuthError) {
    return new AppError('vault_unavailable', 'Vault is unavailable.', {
      cause: err,
      retryAfterSeconds,
    });
  }
  return new AppError(
    'internal',
    'The tenant operation failed in the secret store.',
    { cause: err },
  );
}
