import {
  generateKeyPairSync,
  randomUUID,
  sign as cryptoSign,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import type { SecretBackend, TenantContext } from '@secret-flows/agent';
import {
  AppError,
  SIGNING_ALG_BY_KEY_TYPE,
  type Key,
  type PublicJwk,
  type Wallet,
} from '@secret-flows/contracts';
import type { Request, RequestHandler } from 'express';

interface TenantData {
  keys: Map<string, { key: Key; privateKey: KeyObject }>;
  secrets: Map<string, Array<{ value: string; createdAt: string }>>;
}

/**
 * An in-memory SecretBackend with the semantics the agent relies on (versions and cas, real key
 * pairs, tenant isolation, not_found/conflict as AppError), so hostile input reaches every route.
 */
export function createMemoryBackend(): SecretBackend {
  const tenants = new Map<string, TenantData>();
  const wallets = new Map<string, Wallet>();
  const data = (ctx: TenantContext): TenantData => {
    let found = tenants.get(ctx.tenantId);
    if (!found)
      tenants.set(
        ctx.tenantId,
        (found = { keys: new Map(), secrets: new Map() }),
      );
    return found;
  };
  const key = (ctx: TenantContext, id: string) => {
    const found = data(ctx).keys.get(id);
    if (!found) throw new AppError('not_found', 'No such key.');
    return found;
  };
  const versions = (ctx: TenantContext, name: string) => {
    const found = data(ctx).secrets.get(name);
    if (!found) throw new AppError('not_found', 'No such secret.');
    return found;
  };
  return {
    kind: 'wallet',
    keys: {
      async create(ctx, { type }) {
        const pair =
          type === 'Ed25519'
            ? generateKeyPairSync('ed25519')
            : generateKeyPairSync('ec', {
                namedCurve: type === 'P-256' ? 'prime256v1' : 'secp256k1',
              });
        const id = randomUUID();
        const created: Key = {
          id,
          type,
          did: `did:example:${id}`,
          publicKeyJwk: pair.publicKey.export({ format: 'jwk' }) as PublicJwk,
          createdAt: new Date().toISOString(),
        };
        data(ctx).keys.set(id, { key: created, privateKey: pair.privateKey });
        return created;
      },
      list: async (ctx) => ({
        keys: [...data(ctx).keys.values()].map((k) => k.key),
      }),
      get: async (ctx, id) => key(ctx, id).key,
      async delete(ctx, id) {
        key(ctx, id);
        data(ctx).keys.delete(id);
      },
      async sign(ctx, id, { payload }) {
        const stored = key(ctx, id);
        const bytes = Buffer.from(payload, 'base64url');
        const signature =
          stored.key.type === 'Ed25519'
            ? cryptoSign(null, bytes, stored.privateKey)
            : cryptoSign('sha256', bytes, {
                key: stored.privateKey,
                dsaEncoding: 'ieee-p1363',
              });
        return {
          alg: SIGNING_ALG_BY_KEY_TYPE[stored.key.type],
          signature: signature.toString('base64url'),
        };
      },
      async rotate(ctx, id) {
        key(ctx, id);
        // Every key here is a wallet-custody key, which the real wallet refuses to rotate.
        throw new AppError(
          'conflict',
          'Only vault-transit keys can be rotated.',
        );
      },
    },
    secrets: {
      async put(ctx, name, { value, cas }) {
        const existing = data(ctx).secrets.get(name) ?? [];
        if (cas !== undefined && cas !== existing.length)
          throw new AppError(
            'conflict',
            'The secret changed since the version given in cas.',
          );
        existing.push({ value, createdAt: new Date().toISOString() });
        data(ctx).secrets.set(name, existing);
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
      list: async (ctx) => ({ names: [...data(ctx).secrets.keys()].sort() }),
      async delete(ctx, name) {
        versions(ctx, name);
        data(ctx).secrets.delete(name);
      },
    },
    tenants: {
      async create(_ctx, { name, id }) {
        const walletId = id ?? randomUUID();
        if (wallets.has(walletId))
          throw new AppError('conflict', 'A wallet with this id exists.');
        const at = new Date().toISOString();
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
        const all = [...wallets.values()];
        return {
          contents: all.slice(offset, offset + limit),
          kind: 'WalletPage' as const,
          self: '/wallets',
          pageOf: '/wallets',
        };
      },
      async get(_ctx, id) {
        const wallet = wallets.get(id);
        if (!wallet) throw new AppError('not_found', 'No such wallet.');
        return wallet;
      },
      async delete(_ctx, id) {
        if (!wallets.delete(id))
          throw new AppError('not_found', 'No such wallet.');
        tenants.delete(id);
      },
    },
    readiness: async () => ({ wallet: { ok: true } }),
    close: async () => undefined,
  };
}

const same = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Bearer tokens `tenant-<id>` name the tenant; anything else is a 401 (the JWT checks have their own e2e suite). */
export const bearerTenantResolver = {
  async resolve(req: Request) {
    const match = /^Bearer (tenant-[a-z0-9]{1,16})$/.exec(
      req.get('authorization') ?? '',
    );
    if (!match?.[1])
      throw new AppError(
        'unauthorized',
        'A tenant JWT is required: Authorization: Bearer <jwt>.',
      );
    return { tenantId: match[1], bearerToken: match[1] };
  },
};

/** The admin check as the agent does it: required header, constant-time comparison. */
export function adminKeyGuard(expected: string): RequestHandler {
  return (req, _res, next) => {
    const presented = req.get('x-admin-api-key');
    if (!presented)
      throw new AppError(
        'unauthorized',
        'The x-admin-api-key header is required.',
      );
    if (!same(presented, expected))
      throw new AppError('forbidden', 'The admin key is not valid.');
    next();
  };
}
