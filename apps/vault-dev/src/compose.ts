/**
 * The object graph of one vault-dev instance: state (fresh, or decrypted from
 * `--data-dir`), persistence, seal control, the core and its root token.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { BackendFactory } from './core/backend';
import { mountTtls } from './core/mounts/mount-table';
import {
  createFilePersistence,
  createMemoryPersistence,
  type Persistence,
} from './core/state/persistence';
import {
  parseUnsealKey,
  readStateFile,
  removeStaleTempFiles,
  StateKeyError,
  stateFileExists,
  type StateFs,
} from './core/state/state-file';
import type { VaultState } from './core/state/vault-state';
import { createSealControl, type SealControl } from './core/sys/sys.backend';
import {
  createVaultCore,
  initialState,
  type VaultCore,
} from './core/vault-core';
import { randomBase62, uuid } from './core/util/ids';

export interface DependencyOptions {
  rootToken?: string;
  dataDir?: string;
  unsealKey?: string;
  clock?: () => number;
  stateFs?: StateFs;
  factories: Record<string, BackendFactory>;
  /** The address clients should use (OIDC issuer base); read lazily, after listen. */
  apiAddress: () => string;
}

export interface Dependencies {
  core: VaultCore;
  seal: SealControl;
  rootToken: string;
  unsealKey: string;
  unsealKeyGenerated: boolean;
}

interface LoadedState {
  state: VaultState;
  key: Buffer;
  keyGenerated: boolean;
  persistence: (snapshot: () => string) => Persistence;
}

function loadState(
  options: DependencyOptions,
  rootToken: string,
  factories: Record<string, BackendFactory>,
): LoadedState {
  const givenKey = options.unsealKey
    ? parseUnsealKey(options.unsealKey)
    : undefined;
  if (!options.dataDir) {
    return {
      state: initialState(rootToken, factories),
      key: givenKey ?? randomBytes(32),
      keyGenerated: !givenKey,
      persistence: () => createMemoryPersistence(),
    };
  }
  const dir = options.dataDir;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  removeStaleTempFiles(dir);
  const make = (key: Buffer) => (snapshot: () => string) =>
    createFilePersistence({ dir, key, snapshot, fs: options.stateFs });
  if (stateFileExists(dir)) {
    if (!givenKey) {
      throw new StateKeyError(
        `${dir} holds encrypted vault-dev state: supply the unseal key printed on its first start (VAULT_DEV_UNSEAL_KEY)`,
      );
    }
    const plaintext = readStateFile(dir, givenKey) as Buffer;
    return {
      state: JSON.parse(plaintext.toString('utf8')) as VaultState,
      key: givenKey,
      keyGenerated: false,
      persistence: make(givenKey),
    };
  }
  const key = givenKey ?? randomBytes(32);
  return {
    state: initialState(rootToken, factories),
    key,
    keyGenerated: !givenKey,
    persistence: make(key),
  };
}

function ensureRootToken(core: VaultCore, id: string): void {
  if (core.internals.tokens.get(id)) return;
  const limits = mountTtls(undefined);
  core.internals.tokens.create({
    id,
    policies: ['root'],
    displayName: 'root',
    path: 'auth/token/root',
    renewable: false,
    ttlSeconds: 0,
    noExpiry: true,
    mountDefaultSeconds: limits.defaultTtlSeconds,
    mountMaxSeconds: limits.maxTtlSeconds,
  });
}

/** Loads or creates the state and builds the core; durable before it resolves. */
export async function createDependencies(
  options: DependencyOptions,
): Promise<Dependencies> {
  const loaded = loadState(
    options,
    options.rootToken ?? `hvs.${randomBase62(24)}`,
    options.factories,
  );
  const state = loaded.state;
  if (options.rootToken) state.rootTokenId = options.rootToken;
  const unsealKey = loaded.key.toString('base64');
  const seal = createSealControl({
    unsealKey,
    clusterName: 'vault-dev-cluster',
    clusterId: uuid(),
    storageType: options.dataDir ? 'file' : 'inmem',
  });
  const persistence = loaded.persistence(() => JSON.stringify(state));
  const core = createVaultCore({
    state,
    now: options.clock ?? Date.now,
    persistence,
    factories: options.factories,
    apiAddress: options.apiAddress,
    seal,
  });
  ensureRootToken(core, state.rootTokenId);
  await persistence.persist();
  return {
    core,
    seal,
    rootToken: state.rootTokenId,
    unsealKey,
    unsealKeyGenerated: loaded.keyGenerated,
  };
}

export { StateKeyError };
