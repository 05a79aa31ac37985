import {
  randomUUID,
  generateKeyPairSync,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import {
  AppError,
  SIGNING_ALG_BY_KEY_TYPE,
  type CreatedWallet,
  type Key,
  type KeyType,
  type PublicJwk,
  type Wallet,
} from '@secret-flows/contracts';
import type {
  SecretBackend,
  TenantContext,
} from '../../src/backend/secret-backend';

interface StoredKey {
  key: Key;
  privateKey: KeyObject;
}

interface SecretVersion {
  value: string;
  createdAt: string;
}

interface TenantData {
  keys: Map<string, StoredKey>;
  secrets: Map<string, SecretVersion[]>;
}

function generate(type: KeyType): { privateKey: KeyObject; jwk: PublicJwk } {
  const pair =
    type === 'Ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', {
          namedCurve: type === 'P-256' ? 'prime256v1' : 'secp256k1',
        });
  return {
    privateKey: pair.privateKey,
    jwk: pair.publicKey.export({ format: 'jwk' }) as PublicJwk,
  };
}

/**
 * An in-memory SecretBackend with the real semantics the agent relies on: per-tenant isolation,
 * versioned secrets with check-and-set, real key pairs and verifiable signatures, and an outage
 * switch that answers like the wallet does when it is down.
 */
export function createFakeSecretBackend(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const tenants = new Map<string, TenantData>();
  const wallets = new Map<string, Wallet>();
  const state = { isDown: false, calls: [] as TenantContext[] };

  function tenant(ctx: TenantContext): TenantData {
    if (state.isDown)
      throw new AppError('wallet_unavailable', 'wallet down', {
        retryAfterSeconds: 7,
      });
    state.calls.push(ctx);
    let data = tenants.get(ctx.tenantId);
    if (!data)
      tenants.set(
        ctx.tenantId,
        (data = { keys: new Map(), secrets: new Map() }),
      );
    return data;
  }
  function storedKey(ctx: TenantContext, id: string): StoredKey {
    const stored = tenant(ctx).keys.get(id);
    if (!stored) throw new AppError('not_found', 'No such key.');
    return stored;
  }
  function versions(ctx: TenantContext, name: string): SecretVersion[] {
    const found = tenant(ctx).secrets.get(name);
    if (!found) throw new AppError('not_found', 'No such secret.');
    return found;
  }
  function admin(): void {
    if (state.isDown)
      throw new AppError('wallet_unavailable', 'wallet down', {
        retryAfterSeconds: 7,
      });
  }

  const backend: SecretBackend = {
    kind: 'wallet',
    keys: {
      async create(ctx, { type, custody }) {
        const { privateKey, jwk } = generate(type);
        const id = randomUUID();
        const createdAt = now().toISOString();
        const key: Key =
          custody === 'vault-transit'
            ? {
                id,
                type,
                did: `did:example:${id}`,
                publicKeyJwk: jwk,
                createdAt,
                custody,
                versions: [{ version: 1, publicKeyJwk: jwk, createdAt }],
              }
            : {
                id,
                type,
                did: `did:example:${id}`,
                publicKeyJwk: jwk,
                createdAt,
                custody: 'wallet',
              };
        tenant(ctx).keys.set(id, { key, privateKey });
        return key;
      },
      list: async (ctx) => ({
        keys: [...tenant(ctx).keys.values()].map((stored) => stored.key),
      }),
      get: async (ctx, id) => storedKey(ctx, id).key,
      async delete(ctx, id) {
        storedKey(ctx, id);
        tenant(ctx).keys.delete(id);
      },
      async sign(ctx, id, { payload }) {
        const { key, privateKey } = storedKey(ctx, id);
        const data = Buffer.from(payload, 'base64url');
        const signature =
          key.type === 'Ed25519'
            ? cryptoSign(null, data, privateKey)
            : cryptoSign('sha256', data, {
                key: privateKey,
                dsaEncoding: 'ieee-p1363',
              });
        return {
          alg: SIGNING_ALG_BY_KEY_TYPE[key.type],
          signature: signature.toString('base64url'),
          keyVersion: key.versions?.length,
        };
      },
      async rotate(ctx, id) {
        const stored = storedKey(ctx, id);
        if (stored.key.custody !== 'vault-transit')
          throw new AppError(
            'conflict',
            'Only vault-transit keys can be rotated.',
          );
        const { privateKey, jwk } = generate(stored.key.type);
        const versions = [
          ...(stored.key.versions ?? []),
          {
            version: (stored.key.versions?.length ?? 0) + 1,
            publicKeyJwk: jwk,
            createdAt: now().toISOString(),
          },
        ];
        const key: Key = { ...stored.key, publicKeyJwk: jwk, versions };
        tenant(ctx).keys.set(id, { key, privateKey });
        return key;
      },
    },
    secrets: {
      async put(ctx, name, { value, cas }) {
        const existing = tenant(ctx).secrets.get(name) ?? [];
        if (cas !== undefined && cas !== existing.length) {
          throw new AppError(
            'conflict',
            'The secret changed since the version given in cas.',
          );
        }
        existing.push({ value, createdAt: now().toISOString() });
        tenant(ctx).secrets.set(name, existing);
        return { name, version: existing.length };
      },
      async get(ctx, name, version) {
        const all = versions(ctx, name);
        const wanted = version ?? all.length;
        const found = all[wanted - 1];
        if (!found) throw new AppError('not_found', 'No such secret version.');
        return {
          name,
          value: found.value,
          version: wanted,
          createdAt: found.createdAt,
        };
      },
      list: async (ctx) => ({ names: [...tenant(ctx).secrets.keys()].sort() }),
      async delete(ctx, name) {
        versions(ctx, name);
        tenant(ctx).secrets.delete(name);
      },
    },
    tenants: {
      async create(_ctx, { name, id }): Promise<CreatedWallet> {
        admin();
        const walletId = id ?? randomUUID();
        if (wallets.has(walletId))
          throw new AppError('conflict', 'A wallet with this id exists.');
        const at = now().toISOString();
        const wallet: Wallet = {
          id: walletId,
          name,
          createdAt: at,
          updatedAt: at,
        };
        wallets.set(walletId, wallet);
        return {
          ...wallet,
          login: { username: `tenant-${walletId}`, password: randomUUID() },
        };
      },
      async list(_ctx, { offset, limit }) {
        admin();
        const all = [...wallets.values()];
        const contents = all.slice(offset, offset + limit);
        const page = {
          contents,
          kind: 'WalletPage' as const,
          self: '/v1/tenants',
          pageOf: '/v1/tenants',
        };
        return offset + limit < all.length
          ? { ...page, next: '/v1/tenants?next' }
          : page;
      },
      async get(_ctx, id) {
        admin();
        const wallet = wallets.get(id);
        if (!wallet) throw new AppError('not_found', 'No such wallet.');
        return wallet;
      },
      async delete(_ctx, id) {
        admin();
        if (!wallets.delete(id))
          throw new AppError('not_found', 'No such wallet.');
        tenants.delete(id);
      },
    },
    readiness: async () =>
      state.isDown
        ? { wallet: { ok: false, detail: 'down' } }
        : { wallet: { ok: true } },
    close: async () => undefined,
  };
  return { backend, state };
}

export type FakeSecretBackend = ReturnType<typeof createFakeSecretBackend>;
