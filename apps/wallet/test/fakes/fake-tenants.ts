import { randomBytes, randomUUID } from 'node:crypto';
import {
  AppError,
  type CreatedWallet,
  type Wallet,
} from '@secret-flows/contracts';
import type { TenantDirectory } from '../../src/tenants/tenant-directory';

/**
 * An in-memory tenant directory with the behaviour of the Vault-backed one: ids generated or given,
 * a given id that exists (or was deleted) is a 409, the password is returned once, pages in id
 * order, deleted tenants are gone for reads and deletes. The real one is proven against vault-dev.
 */
export function createFakeTenants(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const live = new Map<string, Wallet>();
  const deleted = new Set<string>();

  const directory: TenantDirectory = {
    async create(input) {
      const id = (input.id ?? randomUUID()).toLowerCase();
      if (live.has(id) || deleted.has(id))
        throw new AppError('conflict', 'A wallet with this id already exists.');
      const at = now().toISOString();
      const wallet: Wallet = {
        id,
        name: input.name,
        createdAt: at,
        updatedAt: at,
      };
      live.set(id, wallet);
      const created: CreatedWallet = {
        ...wallet,
        login: {
          username: id,
          password: randomBytes(24).toString('base64url'),
        },
      };
      return created;
    },
    async list(page) {
      const all = [...live.values()].sort((x, y) => x.id.localeCompare(y.id));
      return {
        contents: all.slice(page.offset, page.offset + page.limit),
        hasNext: all.length > page.offset + page.limit,
      };
    },
    async get(id) {
      const wallet = live.get(id);
      if (!wallet) throw new AppError('not_found', 'No such wallet.');
      return wallet;
    },
    async delete(id) {
      if (!live.delete(id)) throw new AppError('not_found', 'No such wallet.');
      deleted.add(id);
    },
  };

  return {
    directory,
    /** Puts a finished tenant in place (provider states). */
    add(wallet: Pick<Wallet, 'id' | 'name'>) {
      const at = now().toISOString();
      live.set(wallet.id, { ...wallet, createdAt: at, updatedAt: at });
    },
    reset() {
      live.clear();
      deleted.clear();
    },
  };
}
