/** transit/keys/*: create, read, list, config, rotate, delete. */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import {
  badField,
  own,
  parseBool,
  parseDurationSeconds,
  parseInteger,
  parseString,
  storableKey,
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import {
  KEY_TYPES,
  generateMaterial,
  keyBody,
  rotate,
  type TransitKey,
  type TransitKeyType,
} from './transit-keys';

export interface TransitState {
  keys: Record<string, TransitKey>;
}

export function createKeyHandlers(core: CoreServices, state: TransitState) {
  /** Creates a key; also used by encrypt's upsert. */
  async function createKey(
    name: string,
    d: Record<string, unknown>,
  ): Promise<TransitKey> {
    const type = (
      d['type'] === undefined ? 'aes256-gcm96' : parseString(d['type'], 'type')
    ) as TransitKeyType;
    if (!KEY_TYPES.includes(type)) badField(`unknown key type: ${type}`);
    if (d['derived'] !== undefined && parseBool(d['derived'], 'derived'))
      badField('key derivation is not supported by vault-dev');
    if (
      d['convergent_encryption'] !== undefined &&
      parseBool(d['convergent_encryption'], 'convergent_encryption')
    ) {
      badField('convergent encryption requires derivation to be enabled');
    }
    const now = core.now();
    const key: TransitKey = {
      name: storableKey(name, 'name'),
      type,
      exportable:
        d['exportable'] !== undefined &&
        parseBool(d['exportable'], 'exportable'),
      allowPlaintextBackup:
        d['allow_plaintext_backup'] !== undefined &&
        parseBool(d['allow_plaintext_backup'], 'allow_plaintext_backup'),
      deletionAllowed: false,
      autoRotatePeriodS:
        d['auto_rotate_period'] === undefined
          ? 0
          : autoRotate(d['auto_rotate_period']),
      minDecryptionVersion: 1,
      minEncryptionVersion: 0,
      latestVersion: 1,
      versions: {
        '1': { material: await generateMaterial(type), creationMs: now },
      },
    };
    // Key generation awaits a worker thread: a concurrent create of the same name may have
    // won meanwhile, and replacing its key would orphan whatever it already encrypted.
    const raced = own(state.keys, key.name);
    if (raced) return raced;
    state.keys[key.name] = key;
    return key;
  }

  /** Looks a key up and applies a due auto-rotation first. */
  async function liveKey(name: string): Promise<TransitKey | undefined> {
    const key = own(state.keys, name);
    if (key && key.autoRotatePeriodS > 0) {
      const latest = key.versions[String(key.latestVersion)];
      if (core.now() - latest.creationMs >= key.autoRotatePeriodS * 1000) {
        await rotate(key, core.now());
        await core.persist();
      }
    }
    return key;
  }

  async function writeKey(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const existing = own(state.keys, name);
    // Writing an existing key changes nothing; Vault answers with the key and a warning (§9).
    if (existing)
      return {
        kind: 'data',
        data: keyBody(existing),
        warnings: [`key ${name} already existed`],
      };
    const key = await createKey(name, req.data);
    await core.persist();
    return { kind: 'data', data: keyBody(key) };
  }

  async function readKey(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    return { kind: 'data', data: keyBody((await liveKey(name)) ?? notFound()) };
  }

  async function deleteKey(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    // path_keys.go pathPolicyDelete wraps lock_manager.go DeletePolicy's errors:
    // "error deleting policy <name>: could not delete key; not found" / "...: deletion is not
    // allowed for this key", both 400 (logical.ErrInvalidRequest).
    const key = own(state.keys, name);
    if (!key)
      throw new VaultError(400, [
        `error deleting policy ${name}: could not delete key; not found`,
      ]);
    if (!key.deletionAllowed)
      throw new VaultError(400, [
        `error deleting policy ${name}: deletion is not allowed for this key`,
      ]);
    delete state.keys[name];
    await core.persist();
    return { kind: 'empty' };
  }

  async function rotateKey(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const key = own(state.keys, name);
    if (!key) throw new VaultError(400, ['key not found']);
    await rotate(key, core.now());
    await core.persist();
    return { kind: 'data', data: keyBody(key) };
  }

  async function configKey(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const key = own(state.keys, name);
    if (!key)
      throw new VaultError(400, [
        'no existing key named ' + name + ' could be found',
      ]);
    const d = req.data;
    const next = { ...key };
    if (d['min_decryption_version'] !== undefined)
      next.minDecryptionVersion = parseInteger(
        d['min_decryption_version'],
        'min_decryption_version',
      );
    if (d['min_encryption_version'] !== undefined)
      next.minEncryptionVersion = parseInteger(
        d['min_encryption_version'],
        'min_encryption_version',
      );
    if (next.minDecryptionVersion < 1) next.minDecryptionVersion = 1;
    if (next.minDecryptionVersion > key.latestVersion)
      badField(
        'cannot set min decryption version of ' +
          next.minDecryptionVersion +
          ', latest key version is ' +
          key.latestVersion,
      );
    if (
      next.minEncryptionVersion < 0 ||
      next.minEncryptionVersion > key.latestVersion
    ) {
      badField(
        'cannot set min encryption version of ' +
          next.minEncryptionVersion +
          ', latest key version is ' +
          key.latestVersion,
      );
    }
    if (
      next.minEncryptionVersion > 0 &&
      next.minEncryptionVersion < next.minDecryptionVersion
    ) {
      badField(
        'cannot set min encryption/decryption values; min encryption version must be greater than or equal to min decryption version',
      );
    }
    if (d['deletion_allowed'] !== undefined)
      next.deletionAllowed = parseBool(
        d['deletion_allowed'],
        'deletion_allowed',
      );
    if (d['exportable'] !== undefined) {
      const exportable = parseBool(d['exportable'], 'exportable');
      if (key.exportable && !exportable)
        badField(
          'cannot disable exportability on a key that is already exportable',
        );
      next.exportable = exportable;
    }
    if (d['allow_plaintext_backup'] !== undefined) {
      const allow = parseBool(
        d['allow_plaintext_backup'],
        'allow_plaintext_backup',
      );
      if (key.allowPlaintextBackup && !allow)
        badField('cannot disable plaintext backup once enabled');
      next.allowPlaintextBackup = allow;
    }
    if (d['auto_rotate_period'] !== undefined)
      next.autoRotatePeriodS = autoRotate(d['auto_rotate_period']);
    state.keys[name] = next;
    await core.persist();
    return { kind: 'data', data: keyBody(next) };
  }

  return {
    createKey,
    liveKey,
    writeKey,
    readKey,
    deleteKey,
    rotateKey,
    configKey,
    listKeys: () => listResponse(Object.keys(state.keys).sort()),
  };
}

function autoRotate(value: unknown): number {
  const seconds = parseDurationSeconds(value, 'auto_rotate_period');
  if (seconds !== 0 && seconds < 3600)
    badField('auto rotate period must be 0 to disable or at least an hour');
  return seconds;
}
