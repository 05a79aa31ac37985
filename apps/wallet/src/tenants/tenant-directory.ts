import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, isAppError, type CreatedWallet, type CreateWalletRequest, type PageQuery, type Wallet } from '@secret-flows/contracts';
import { isNotFound, isVaultUnavailable, VaultAuthError, type VaultClient } from '@secret-flows/vault-client';
import type { WalletCore } from '@secret-flows/wallet-core';
import type { AsTenant } from './tenant-identity';
import { deletedEntityName, liveEntityName, liveTenantIds, tenantMetadata, toTenantRecord, toWallet, type TenantRecord } from './tenant-records';

/** The tenant lifecycle the wallet executes for the agent's `/wallets` admin API (issue 6). */
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
}

const LOGIN_POLICY = 'tenant-login';
const READ_CONCURRENCY = 8;

/**
 * Tenants kept in Vault alone: each is an entity (`tenant_id` metadata) with a userpass login and
 * a `jwt`-mount alias, and a seed written with the tenant's own token. Creation is idempotent by
 * id (a half-made tenant is completed by a retry), a finished one is never re-issued (409).
 * @example createVaultTenantDirectory({ vault, walletCore, asTenant, userpassMount: 'userpass', jwtMount: 'jwt', retryAfterSeconds: 5 })
 */
export function createVaultTenantDirectory(options: TenantDirectoryOptions): TenantDirectory {
  const { vault, walletCore } = options;
  const identity = vault.identity;
  const userpass = vault.auth.userpass(options.userpassMount);
  const locks = new Map<string, Promise<unknown>>();
  let accessors: { userpass: string; jwt: string } | undefined;

  // Operations on one id run one after another in this process, so two concurrent creates of the
  // same id cannot both hand out a password.
  function exclusive<T>(id: string, run: () => Promise<T>): Promise<T> {
    const previous = locks.get(id) ?? Promise.resolve();
    const next = previous.then(run, run);
    const settled = next.catch(() => undefined);
    locks.set(id, settled);
    void settled.then(() => {
      if (locks.get(id) === settled) locks.delete(id);
    });
    return next;
  }

  async function mountAccessors(): Promise<{ userpass: string; jwt: string }> {
    if (accessors) return accessors;
    const [up, jwt] = await Promise.all([vault.sys.authAccessor(options.userpassMount), vault.sys.authAccessor(options.jwtMount)]);
    if (!up || !jwt) throw new AppError('internal', 'Tenant auth mounts are not enabled in Vault.');
    return (accessors = { userpass: up, jwt });
  }

  async function find(id: string): Promise<TenantRecord | undefined> {
    const live = await identity.readEntityByName(liveEntityName(id));
    const entity = live ?? (await identity.readEntityByName(deletedEntityName(id)));
    return entity && toTenantRecord(entity);
  }

  async function ensureAlias(entityId: string, name: string, mountAccessor: string): Promise<void> {
    const owner = await identity.lookupEntity({ aliasName: name, aliasMountAccessor: mountAccessor });
    if (owner?.id === entityId) return;
    if (owner) throw new AppError('conflict', 'This tenant id is already in use.');
    await identity.createEntityAlias({ name, canonicalId: entityId, mountAccessor });
  }

  async function provision(id: string, input: CreateWalletRequest, entityId: string): Promise<CreatedWallet> {
    const mounts = await mountAccessors();
    // Shown once and never stored by us: a retry of a half-made tenant gets a new one.
    const password = randomBytes(24).toString('base64url');
    await userpass.writeUser(id, { password, tokenPolicies: [LOGIN_POLICY], tokenTtl: options.loginTokenTtl ?? '1h' });
    await ensureAlias(entityId, id, mounts.userpass);
    await ensureAlias(entityId, id, mounts.jwt);
    const seed = input.seed === undefined ? undefined : Buffer.from(input.seed, 'hex');
    await options.asTenant({ username: id, password }, (tenant) => walletCore.forClient(id, tenant).seed.ensure(seed));
    await identity.updateEntity(entityId, { metadata: tenantMetadata({ id, name: input.name, state: 'active' }) });
    const record = await find(id);
    if (!record) throw new AppError('internal', 'The tenant vanished while it was created.');
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
    return exclusive(id, async () => {
      const existing = await find(id);
      // A finished (or deleted) tenant is never re-issued: its password was shown once, and a
      // deleted id stays dead so its old JWTs can never come back to life.
      if (existing && (existing.state !== 'provisioning' || existing.name !== input.name)) {
        throw new AppError('conflict', 'A wallet with this id already exists.');
      }
      const entityId =
        existing?.entityId ??
        (await identity.createEntity({ name: liveEntityName(id), metadata: tenantMetadata({ id, name: input.name, state: 'provisioning' }) })).id;
      try {
        return await provision(id, input, entityId);
      } catch (err) {
        if (!existing && !(isAppError(err) && err.code === 'conflict')) await rollback(id, entityId);
        throw err;
      }
    });
  }

  async function list(page: PageQuery): Promise<{ contents: Wallet[]; hasNext: boolean }> {
    const ids = liveTenantIds(await identity.listEntityNames());
    const slice = ids.slice(page.offset, page.offset + page.limit);
    const records: (TenantRecord | undefined)[] = [];
    for (let i = 0; i < slice.length; i += READ_CONCURRENCY) {
      records.push(...(await Promise.all(slice.slice(i, i + READ_CONCURRENCY).map(find))));
    }
    const contents = records.filter((r): r is TenantRecord => r?.state === 'active').map(toWallet);
    return { contents, hasNext: ids.length > page.offset + page.limit };
  }

  async function get(id: string): Promise<Wallet> {
    const record = await find(id.toLowerCase());
    if (record?.state !== 'active') throw new AppError('not_found', 'No such wallet.');
    return toWallet(record);
  }

  async function remove(rawId: string): Promise<void> {
    const id = rawId.toLowerCase();
    return exclusive(id, async () => {
      const record = await find(id);
      if (!record || record.state === 'deleted') throw new AppError('not_found', 'No such wallet.');
      const meta = { id, name: record.name };
      // Disabled first: from this moment Vault refuses every token of the entity (cached exchanged
      // tokens included) and every JWT login through its jwt alias, before anything is destroyed.
      if (record.state !== 'deleting') {
        await identity.updateEntity(record.entityId, { name: deletedEntityName(id), disabled: true, metadata: tenantMetadata({ ...meta, state: 'deleting' }) });
      }
      options.onDisabled?.(id);
      await deleteLogin(id);
      await walletCore.forClient(id, vault).destroyAll();
      // The entity stays as a disabled tombstone: deleting it would free the jwt alias, and the
      // next login with an old JWT would get a fresh entity whose token reaches tenants/<id>/.
      await identity.updateEntity(record.entityId, { metadata: tenantMetadata({ ...meta, state: 'deleted' }) });
    });
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

  return { create: translated(create), list: translated(list), get: translated(get), delete: translated(remove) };
}

function toAppError(err: unknown, retryAfterSeconds: number): AppError {
  if (isAppError(err)) return err;
  // The wallet's own login failing is an outage to the caller, who can only retry.
  if (isVaultUnavailable(err) || err instanceof VaultAuthError) {
    return new AppError('vault_unavailable', 'Vault is unavailable.', { cause: err, retryAfterSeconds });
  }
  return new AppError('internal', 'The tenant operation failed in the secret store.', { cause: err });
}
