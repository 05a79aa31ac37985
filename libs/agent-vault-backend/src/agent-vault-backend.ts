import * as fs from 'node:fs';
import {
  AppError,
  KeySchema,
  type CreateKeyRequest,
  type Key,
  type KeyList,
  type PutSecretRequest,
  type PutSecretResponse,
  type ReadinessCheck,
  type Secret,
  type SecretNameList,
  type SignRequest,
  type SignResponse,
} from '@secret-flows/contracts';
import {
  createVaultClient,
  type VaultClient,
  type VaultLogger,
} from '@secret-flows/vault-client';
import {
  createWalletCore,
  type CustodyKeyInfo,
} from '@secret-flows/wallet-core';
import { vaultAuthMethod, type VaultAuthConfig } from './vault-auth';

/** Phases 1-2 have one tenant; its data lives under `tenants/default/` so phase 3 needs no migration. */
export const DEFAULT_TENANT_ID = 'default';

export interface AgentVaultBackendOptions {
  address: string;
  namespace?: string;
  /** PEM file of the CA that signs Vault's TLS certificate. */
  caCertFile?: string;
  timeoutMs: number;
  kvMount: string;
  auth: VaultAuthConfig;
  logger?: VaultLogger;
  /** Replaces the Vault client built from the options above (tests pass one with a fake clock). */
  client?: VaultClient;
}

/** The tenant context the agent passes; in phases 1-2 it is always `default` and is not consulted. */
export interface CallContext {
  requestId: string;
  /** Aborted when the client went away: the listing stops. */
  signal?: AbortSignal;
}

/** Structurally the agent's SecretBackend port (apps/agent/src/backend/secret-backend.ts). */
export interface AgentVaultBackend {
  readonly kind: 'vault';
  readonly keys: {
    create(ctx: CallContext, request: CreateKeyRequest): Promise<Key>;
    list(ctx: CallContext): Promise<KeyList>;
    get(ctx: CallContext, keyId: string): Promise<Key>;
    delete(ctx: CallContext, keyId: string): Promise<void>;
    sign(
      ctx: CallContext,
      keyId: string,
      request: SignRequest,
    ): Promise<SignResponse>;
    rotate(ctx: CallContext, keyId: string): Promise<Key>;
  };
  readonly secrets: {
    put(
      ctx: CallContext,
      name: string,
      request: PutSecretRequest,
    ): Promise<PutSecretResponse>;
    get(ctx: CallContext, name: string, version?: number): Promise<Secret>;
    list(
      ctx: CallContext,
      query?: { limit?: number; cursor?: string },
    ): Promise<SecretNameList>;
    delete(ctx: CallContext, name: string): Promise<void>;
  };
  readiness(): Promise<Record<string, ReadinessCheck>>;
  /** Stops token renewal and revokes the agent's own token (an AppRole token; a static token is left alone). */
  close(): Promise<void>;
}

// wallet-core has its own JWK type; the contract schema is the one promise made to clients.
function toKey(info: CustodyKeyInfo): Key {
  const parsed = KeySchema.safeParse({
    id: info.id,
    type: info.type,
    did: info.did,
    publicKeyJwk: info.publicKeyJwk,
    createdAt: info.createdAt,
    custody: info.custody,
    versions: info.versions,
  });
  if (!parsed.success)
    throw new AppError(
      'internal',
      'A stored key does not match the API contract.',
      { cause: parsed.error },
    );
  return parsed.data;
}

function buildClient(options: AgentVaultBackendOptions): VaultClient {
  return createVaultClient({
    address: options.address,
    namespace: options.namespace,
    timeoutMs: options.timeoutMs,
    caCertPem: options.caCertFile
      ? fs.readFileSync(options.caCertFile, 'utf8')
      : undefined,
    auth: vaultAuthMethod(options.auth),
    logger: options.logger,
  });
}

/**
 * Creates the agent's direct-Vault secret backend (phases 1-2): wallet-core in-process for tenant `default`.
 * @example const backend = createAgentVaultBackend({ address, timeoutMs: 5000, kvMount: 'secret', auth: { method: 'token', token } })
 */
export function createAgentVaultBackend(
  options: AgentVaultBackendOptions,
): AgentVaultBackend {
  const client = options.client ?? buildClient(options);
  const wallet = createWalletCore({ kvMount: options.kvMount }).forClient(
    DEFAULT_TENANT_ID,
    client,
  );
  const seed = createSeedGate(() => wallet.seed.ensure().then(() => undefined));

  // Every operation first makes sure the default wallet has its seed: Identus creates the default
  // wallet at startup, and a wallet without a seed is the upstream bug we must not reproduce.
  const withSeed = async <T>(operation: () => Promise<T>): Promise<T> => {
    await seed.ensure();
    return operation();
  };

  return {
    kind: 'vault',
    keys: {
      // Phases 1-2 have no Transit custody: every key is a wallet key; asking for vault-transit is a 400.
      create: (_ctx, { type, custody }) =>
        withSeed(async () => toKey(await wallet.keys.create(type, custody))),
      list: () =>
        withSeed(async () => ({ keys: (await wallet.keys.list()).map(toKey) })),
      get: (_ctx, id) => withSeed(async () => toKey(await wallet.keys.get(id))),
      delete: (_ctx, id) => withSeed(() => wallet.keys.delete(id)),
      sign: (_ctx, id, { payload }) =>
        withSeed(() => wallet.keys.sign(id, Buffer.from(payload, 'base64url'))),
      rotate: (_ctx, id) =>
        withSeed(async () => toKey(await wallet.keys.rotate(id))),
    },
    secrets: {
      put: (_ctx, name, { value, cas }) =>
        withSeed(() => wallet.secrets.put(name, value, cas)),
      get: (_ctx, name, version) =>
        withSeed(() => wallet.secrets.get(name, version)),
      list: (ctx, query) =>
        withSeed(() =>
          wallet.secrets.list({
            limit: query?.limit,
            cursor: query?.cursor,
            signal: ctx.signal,
          }),
        ),
      delete: (_ctx, name) => withSeed(() => wallet.secrets.delete(name)),
    },
    readiness: () => readiness(client, seed),
    close: () => client.stop(),
  };
}

interface SeedGate {
  ensure(): Promise<void>;
  readonly isDone: boolean;
}

/** Runs `ensure` until it succeeds once; concurrent callers share the one attempt in flight. */
function createSeedGate(ensure: () => Promise<void>): SeedGate {
  let inFlight: Promise<void> | undefined;
  let isDone = false;
  return {
    get isDone() {
      return isDone;
    },
    ensure() {
      if (isDone) return Promise.resolve();
      inFlight ??= ensure().then(
        () => {
          isDone = true;
        },
        (err: unknown) => {
          inFlight = undefined;
          throw err;
        },
      );
      return inFlight;
    },
  };
}

async function readiness(
  client: VaultClient,
  seed: SeedGate,
): Promise<Record<string, ReadinessCheck>> {
  let vault: ReadinessCheck;
  try {
    const health = await client.sys.health();
    vault =
      health.initialized && !health.sealed
        ? { ok: true }
        : {
            ok: false,
            detail: health.sealed
              ? 'vault is sealed'
              : 'vault is not initialised',
          };
  } catch {
    return {
      vault: { ok: false, detail: 'vault unreachable' },
      token: { ok: false, detail: 'not checked' },
      seed: { ok: seed.isDone },
    };
  }
  let token: ReadinessCheck;
  try {
    if (!client.status().authenticated) await client.login();
    token = { ok: true };
  } catch {
    token = { ok: false, detail: 'vault login failed' };
  }
  let seedCheck: ReadinessCheck = { ok: seed.isDone };
  if (token.ok && !seed.isDone) {
    seedCheck = await seed.ensure().then(
      () => ({ ok: true }),
      (err: unknown) => ({
        ok: false,
        detail: err instanceof AppError ? err.code : 'seed not written',
      }),
    );
  }
  return { vault, token, seed: seedCheck };
}
