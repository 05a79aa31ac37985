/** transit/encrypt, decrypt, sign and verify, single and batch_input. */
import type { BackendRequest, BackendResponse } from '../../core/backend';
import { parseBool, parseInteger, parseString } from '../approle/field-parsers';
import {
  checkPrehashedSupported,
  checkVersion,
  decryptWith,
  encryptWith,
  fail,
  hashName,
  parseVersioned,
  signWith,
  verifyWith,
  type SignOptions,
} from './transit-crypto';
import { isSymmetric, type TransitKey } from './transit-keys';
import type { createKeyHandlers } from './transit-keys.handlers';

type Item = Record<string, unknown>;
type KeyHandlers = ReturnType<typeof createKeyHandlers>;

function base64Field(item: Item, field: string, missing: string): Buffer {
  const value =
    item[field] === undefined || item[field] === null
      ? ''
      : parseString(item[field], field);
  if (value === '' && missing !== '') fail(missing);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    fail(`failed to base64-decode ${field}`);
  return Buffer.from(value, 'base64');
}

function optionalBase64(item: Item, field: string): Buffer | undefined {
  return item[field] === undefined || item[field] === ''
    ? undefined
    : base64Field(item, field, '');
}

/** Runs `one` per item; a failed batch item carries its error and makes the answer a 400, as in Vault. */
function batch(
  req: BackendRequest,
  one: (item: Item) => Item,
): BackendResponse {
  const input = req.data['batch_input'];
  if (input === undefined) return { kind: 'data', data: one(req.data) };
  if (!Array.isArray(input) || input.length === 0)
    fail('missing batch input to process');
  let failed = false;
  const results = input.map((raw) => {
    try {
      return one({ ...(raw as Item) });
    } catch (e) {
      failed = true;
      return { error: (e as Error).message };
    }
  });
  return {
    kind: 'data',
    data: { batch_results: results },
    ...(failed ? { status: 400 } : {}),
  };
}

function versionFor(
  key: TransitKey,
  item: Item,
  forEncryption: boolean,
): number {
  const requested =
    item['key_version'] === undefined
      ? 0
      : parseInteger(item['key_version'], 'key_version');
  const version = requested === 0 ? key.latestVersion : requested;
  if (version > key.latestVersion)
    fail('requested version for encryption is not valid');
  if (
    forEncryption &&
    key.minEncryptionVersion > 0 &&
    version < key.minEncryptionVersion
  ) {
    fail(
      'cannot encrypt with a key version less than the min_encryption_version',
    );
  }
  return version;
}

/** keysutil/policy.go SignWithOptions' version checks, with its texts. */
function signingVersion(key: TransitKey, item: Item): number {
  const requested =
    item['key_version'] === undefined
      ? 0
      : parseInteger(item['key_version'], 'key_version');
  if (requested < 0) fail('requested version for signing is negative');
  const version = requested === 0 ? key.latestVersion : requested;
  if (version > key.latestVersion)
    fail('requested version for signing is higher than the latest key version');
  if (key.minEncryptionVersion > 0 && version < key.minEncryptionVersion)
    fail(
      'requested version for signing is less than the minimum encryption key version',
    );
  return version;
}

function signOptions(item: Item, pathHash: string | undefined): SignOptions {
  const hash =
    pathHash ??
    (item['hash_algorithm'] === undefined
      ? 'sha2-256'
      : parseString(item['hash_algorithm'], 'hash_algorithm'));
  const marshaling =
    item['marshaling_algorithm'] === undefined
      ? 'asn1'
      : parseString(item['marshaling_algorithm'], 'marshaling_algorithm');
  if (marshaling !== 'asn1' && marshaling !== 'jws')
    fail(`invalid marshaling type "${marshaling}"`);
  const scheme =
    item['signature_algorithm'] === undefined ||
    item['signature_algorithm'] === ''
      ? 'pss'
      : parseString(item['signature_algorithm'], 'signature_algorithm');
  if (scheme !== 'pss' && scheme !== 'pkcs1v15')
    fail(`unsupported signature algorithm ${scheme}`);
  const prehashed =
    item['prehashed'] !== undefined &&
    parseBool(item['prehashed'], 'prehashed');
  return { hash: hashName(hash), marshaling, rsaScheme: scheme, prehashed };
}

export function createCryptoHandlers(keys: KeyHandlers) {
  async function encrypt(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    // Encrypt upserts the key when the caller's policy allowed `create` (the existence check made this a create).
    let key = await keys.liveKey(name);
    if (!key && req.operation === 'create')
      key = await keys.createKey(name, { type: req.data['type'] });
    if (!key) fail('encryption key not found');
    const k = key;
    if (!isSymmetric(k.type))
      fail(`key type ${k.type} does not support encryption`);
    return batch(req, (item) => {
      const plaintext = base64Field(
        item,
        'plaintext',
        'missing plaintext to encrypt',
      );
      const version = versionFor(k, item, true);
      return {
        ciphertext: encryptWith(
          k,
          version,
          plaintext,
          optionalBase64(item, 'associated_data'),
        ),
        key_version: version,
      };
    });
  }

  async function decrypt(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const key = (await keys.liveKey(name)) ?? fail('encryption key not found');
    if (!isSymmetric(key.type))
      fail(`key type ${key.type} does not support decryption`);
    return batch(req, (item) => {
      const text =
        item['ciphertext'] === undefined
          ? ''
          : parseString(item['ciphertext'], 'ciphertext');
      if (text === '') fail('missing ciphertext to decrypt');
      const { version, payload } = parseVersioned(text, 'ciphertext');
      checkVersion(key, version, 'ciphertext');
      return {
        plaintext: decryptWith(
          key,
          version,
          payload,
          optionalBase64(item, 'associated_data'),
        ).toString('base64'),
      };
    });
  }

  async function signInput(
    req: BackendRequest,
    [name, pathHash]: string[],
  ): Promise<BackendResponse> {
    const key = (await keys.liveKey(name)) ?? fail('signing key not found');
    if (isSymmetric(key.type))
      fail(`key type ${key.type} does not support signing`);
    return batch(req, (item) => {
      const input = base64Field(item, 'input', '');
      const version = signingVersion(key, item);
      const opts = signOptions(item, pathHash);
      checkPrehashedSupported(key, opts);
      return {
        signature: signWith(key, version, input, opts),
        key_version: version,
      };
    });
  }

  async function verifyInput(
    req: BackendRequest,
    [name, pathHash]: string[],
  ): Promise<BackendResponse> {
    const key =
      (await keys.liveKey(name)) ??
      fail('signature verification key not found');
    if (isSymmetric(key.type))
      fail(`key type ${key.type} does not support verification`);
    return batch(req, (item) => {
      const input = base64Field(item, 'input', '');
      const text =
        item['signature'] === undefined
          ? ''
          : parseString(item['signature'], 'signature');
      if (text === '') fail('missing signature');
      const { version, payload } = parseVersioned(text, 'signature');
      checkVersion(key, version, 'signature');
      const opts = signOptions(item, pathHash);
      checkPrehashedSupported(key, opts);
      return { valid: verifyWith(key, version, input, payload, opts) };
    });
  }

  return { encrypt, decrypt, signInput, verifyInput };
}
