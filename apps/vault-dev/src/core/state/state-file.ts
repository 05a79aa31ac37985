/**
 * Durable, encrypted storage of the whole state (`--data-dir`). Each save writes a temp
 * file, fsyncs it, renames it over `state.enc` and fsyncs the directory, so a crash at
 * any point leaves either the old or the new file. AES-256-GCM authenticates the
 * content: a wrong key or a damaged file is refused rather than half-read.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAGIC = Buffer.from('VDEVSTATE1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const STATE_FILE = 'state.enc';

/** The file-system calls a save uses; injectable so tests can simulate a crash mid-write. */
export interface StateFs {
  writeFile(fd: number, data: Buffer): void;
}

const realFs: StateFs = {
  writeFile(fd, data) {
    fs.writeSync(fd, data);
  },
};

export class StateKeyError extends Error {}

/** Parses a base64 unseal key into 32 bytes or throws a message the operator can act on. */
export function parseUnsealKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32)
    throw new StateKeyError(
      'the unseal key must be 32 bytes encoded as base64 (as printed on first start)',
    );
  return key;
}

export function encryptState(key: Buffer, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(MAGIC);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export function decryptState(key: Buffer, file: Buffer): Buffer {
  if (
    file.length < MAGIC.length + IV_BYTES + TAG_BYTES ||
    !file.subarray(0, MAGIC.length).equals(MAGIC)
  ) {
    throw new StateKeyError('the state file is not a vault-dev state file');
  }
  const iv = file.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = file.subarray(
    MAGIC.length + IV_BYTES,
    MAGIC.length + IV_BYTES + TAG_BYTES,
  );
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(file.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new StateKeyError(
      'the unseal key does not decrypt the stored state (wrong key, or the file was altered)',
    );
  }
}

export interface StateFileOptions {
  dir: string;
  key: Buffer;
  fs?: StateFs;
}

/** Reads the stored state, or undefined when the directory holds none yet. */
export function readStateFile(dir: string, key: Buffer): Buffer | undefined {
  const file = path.join(dir, STATE_FILE);
  if (!fs.existsSync(file)) return undefined;
  return decryptState(key, fs.readFileSync(file));
}

export function stateFileExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, STATE_FILE));
}

/** Atomically replaces the stored state: temp file + fsync + rename + directory fsync. */
export function writeStateFile(
  options: StateFileOptions,
  plaintext: Buffer,
): void {
  const target = path.join(options.dir, STATE_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  const data = encryptState(options.key, plaintext);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    (options.fs ?? realFs).writeFile(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  const dirFd = fs.openSync(options.dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Removes temp files a crash may have left behind; they never hold the committed state. */
export function removeStaleTempFiles(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${STATE_FILE}.`) && name.endsWith('.tmp'))
      fs.rmSync(path.join(dir, name), { force: true });
  }
}
