import { camelize } from '../transport';
import { dataOf, joinPath, snakeFields, type VaultCaller } from './caller';

export interface TransitKey {
  name: string;
  type: string;
  latestVersion: number;
  minDecryptionVersion: number;
  exportable: boolean;
  deletionAllowed: boolean;
  supportsSigning: boolean;
  supportsEncryption: boolean;
  /** Asymmetric keys: version → `{ publicKey, name, creationTime }` (ed25519 base64, ECDSA PEM). */
  keys: Record<string, unknown>;
}

export interface TransitKeyInput {
  type?:
    | 'aes256-gcm96'
    | 'aes128-gcm96'
    | 'chacha20-poly1305'
    | 'ed25519'
    | 'ecdsa-p256'
    | 'ecdsa-p384'
    | 'ecdsa-p521'
    | 'rsa-2048'
    | 'rsa-3072'
    | 'rsa-4096'
    | 'hmac';
  exportable?: boolean;
  derived?: boolean;
  autoRotatePeriod?: string;
}

export interface SignOptions {
  hashAlgorithm?: string;
  keyVersion?: number;
  prehashed?: boolean;
  signatureAlgorithm?: string;
  /** ECDSA: `jws` gives raw r‖s, `asn1` (default) DER. */
  marshalingAlgorithm?: 'asn1' | 'jws';
}

export interface TransitApi {
  createKey(name: string, fields?: TransitKeyInput): Promise<TransitKey>;
  readKey(name: string): Promise<TransitKey | undefined>;
  listKeys(): Promise<string[]>;
  rotateKey(name: string): Promise<TransitKey>;
  configureKey(
    name: string,
    fields: {
      deletionAllowed?: boolean;
      minDecryptionVersion?: number;
      minEncryptionVersion?: number;
    },
  ): Promise<void>;
  deleteKey(name: string): Promise<void>;
  sign(
    name: string,
    input: Uint8Array,
    opts?: SignOptions,
  ): Promise<{ signature: string; keyVersion: number }>;
  verify(
    name: string,
    input: Uint8Array,
    signature: string,
    opts?: SignOptions,
  ): Promise<boolean>;
  encrypt(
    name: string,
    plaintext: Uint8Array,
    opts?: { context?: Uint8Array; keyVersion?: number },
  ): Promise<{ ciphertext: string; keyVersion: number }>;
  decrypt(
    name: string,
    ciphertext: string,
    opts?: { context?: Uint8Array },
  ): Promise<Buffer>;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Transit on `mount` (Vault docs: Transit API): keys never leave Vault. Inputs travel as base64, never in spans. */
export function createTransitApi(
  caller: VaultCaller,
  mount = 'transit',
): TransitApi {
  const op = (name: string) => `transit.${name} ${mount}`;
  const key = (d: Record<string, unknown>) => camelize<TransitKey>(d);
  const post = async (
    path: string,
    body: object,
    name: string,
    idempotent = false,
  ) =>
    dataOf(
      await caller.send({
        method: 'POST',
        path: joinPath(mount, path),
        body,
        idempotent,
        operation: op(name),
      }),
    );
  return {
    async createKey(name, fields = {}) {
      return key(
        await post(
          joinPath('keys', name),
          snakeFields(fields),
          'createKey',
          true,
        ),
      );
    },
    async readKey(name) {
      const res = await caller.send({
        method: 'GET',
        path: joinPath(mount, 'keys', name),
        okStatuses: [404],
        operation: op('readKey'),
      });
      return res.status === 404 ? undefined : key(dataOf(res));
    },
    async listKeys() {
      const res = await caller.send({
        method: 'LIST',
        path: joinPath(mount, 'keys') + '/',
        okStatuses: [404],
        operation: op('listKeys'),
      });
      return res.status === 404
        ? []
        : ((dataOf(res)['keys'] as string[] | undefined) ?? []);
    },
    async rotateKey(name) {
      return key(await post(joinPath('keys', name, 'rotate'), {}, 'rotateKey'));
    },
    async configureKey(name, fields) {
      await post(
        joinPath('keys', name, 'config'),
        snakeFields(fields),
        'configureKey',
        true,
      );
    },
    async deleteKey(name) {
      await caller.send({
        method: 'DELETE',
        path: joinPath(mount, 'keys', name),
        operation: op('deleteKey'),
      });
    },
    async sign(name, input, opts = {}) {
      const d = await post(
        joinPath('sign', name),
        { input: b64(input), ...snakeFields(opts) },
        'sign',
        true,
      );
      return {
        signature: String(d['signature']),
        keyVersion: Number(d['key_version']),
      };
    },
    async verify(name, input, signature, opts = {}) {
      const d = await post(
        joinPath('verify', name),
        { input: b64(input), signature, ...snakeFields(opts) },
        'verify',
        true,
      );
      return d['valid'] === true;
    },
    async encrypt(name, plaintext, opts = {}) {
      const body = {
        plaintext: b64(plaintext),
        context: opts.context && b64(opts.context),
        key_version: opts.keyVersion,
      };
      const d = await post(joinPath('encrypt', name), body, 'encrypt', true);
      return {
        ciphertext: String(d['ciphertext']),
        keyVersion: Number(d['key_version']),
      };
    },
    async decrypt(name, ciphertext, opts = {}) {
      const d = await post(
        joinPath('decrypt', name),
        { ciphertext, context: opts.context && b64(opts.context) },
        'decrypt',
        true,
      );
      return Buffer.from(String(d['plaintext']), 'base64');
    },
  };
}
