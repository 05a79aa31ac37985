/**
 * KV v2 persisted state and the pure rules around it (Vault docs: KV v2 API): effective
 * max_versions, pruning, deletion times and the JSON shapes Vault answers with.
 */
import { VaultError } from '../../core/backend';
import {
  goDuration,
  parseDurationSeconds,
  rfc3339,
  toBool,
} from '../../core/util/time-format';

export const DEFAULT_MAX_VERSIONS = 10;

export interface KvVersion {
  createdMs: number;
  /** 0 = not deleted; otherwise the (possibly future) deletion time. */
  deletionMs: number;
  destroyed: boolean;
  data: Record<string, unknown> | null;
}

export interface KvKey {
  createdMs: number;
  updatedMs: number;
  currentVersion: number;
  oldestVersion: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfterSeconds: number;
  customMetadata: Record<string, string> | null;
  versions: Record<string, KvVersion>;
}

export interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfterSeconds: number;
}

export interface KvState {
  config: KvConfig;
  keys: Record<string, KvKey>;
}

export function initialKvState(): KvState {
  return {
    config: {
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfterSeconds: 0,
    },
    keys: {},
  };
}

export function newKey(nowMs: number): KvKey {
  return {
    createdMs: nowMs,
    updatedMs: nowMs,
    currentVersion: 0,
    oldestVersion: 0,
    maxVersions: 0,
    casRequired: false,
    deleteVersionAfterSeconds: 0,
    customMetadata: null,
    versions: {},
  };
}

/** A version is readable unless destroyed or its deletion time has passed. */
export function isVersionLive(version: KvVersion, nowMs: number): boolean {
  return (
    !version.destroyed &&
    (version.deletionMs === 0 || version.deletionMs > nowMs)
  );
}

export function versionMetadata(
  key: KvKey,
  n: number,
): Record<string, unknown> {
  const v = key.versions[String(n)];
  return {
    created_time: rfc3339(v.createdMs),
    custom_metadata: key.customMetadata,
    deletion_time: v.deletionMs ? rfc3339(v.deletionMs) : '',
    destroyed: v.destroyed,
    version: n,
  };
}

export function keyMetadata(key: KvKey): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [n, v] of Object.entries(key.versions)) {
    versions[n] = {
      created_time: rfc3339(v.createdMs),
      deletion_time: v.deletionMs ? rfc3339(v.deletionMs) : '',
      destroyed: v.destroyed,
    };
  }
  return {
    cas_required: key.casRequired,
    created_time: rfc3339(key.createdMs),
    current_version: key.currentVersion,
    custom_metadata: key.customMetadata,
    delete_version_after: goDuration(key.deleteVersionAfterSeconds),
    max_versions: key.maxVersions,
    oldest_version: key.oldestVersion,
    updated_time: rfc3339(key.updatedMs),
    versions,
  };
}

/**
 * Appends a version and prunes like the KV plugin's `AddVersion`: the key's max_versions
 * if set, else the engine's, else 10; versions beyond it are removed oldest first.
 */
export function addVersion(
  key: KvKey,
  config: KvConfig,
  data: Record<string, unknown>,
  nowMs: number,
): number {
  const keyDva = key.deleteVersionAfterSeconds;
  const engineDva = config.deleteVersionAfterSeconds;
  // A key-level delete_version_after larger than the engine's is capped to the engine's.
  const dva =
    keyDva > 0 && engineDva > 0
      ? Math.min(keyDva, engineDva)
      : keyDva || engineDva;
  key.currentVersion += 1;
  key.versions[String(key.currentVersion)] = {
    createdMs: nowMs,
    deletionMs: dva > 0 ? nowMs + dva * 1000 : 0,
    destroyed: false,
    data,
  };
  key.updatedMs = nowMs;
  const max =
    key.maxVersions > 0
      ? key.maxVersions
      : config.maxVersions > 0
        ? config.maxVersions
        : DEFAULT_MAX_VERSIONS;
  if (Object.keys(key.versions).length > max) {
    const lastToDelete = key.currentVersion - max;
    for (let i = key.oldestVersion; i <= lastToDelete; i++)
      delete key.versions[String(i)];
    key.oldestVersion = lastToDelete + 1;
  }
  return key.currentVersion;
}

/** Reads `options.cas` and enforces cas_required / the current-version match. */
export function checkCas(
  body: Record<string, unknown>,
  key: KvKey | undefined,
  config: KvConfig,
): void {
  const options = body['options'];
  const raw =
    options && typeof options === 'object'
      ? (options as Record<string, unknown>)['cas']
      : undefined;
  const required = config.casRequired || (key?.casRequired ?? false);
  if (raw === undefined || raw === null) {
    if (required)
      throw new VaultError(400, [
        'check-and-set parameter required for this call',
      ]);
    return;
  }
  // Vault weak-decodes `cas` into a Go int (mapstructure.WeakDecode in the KV plugin's
  // path_data.go) and compares uint64(cas) with the current version: a negative number is a
  // well-formed value that never matches, not a parse error.
  const cas = weakDecodeInt(raw);
  if (cas === undefined)
    throw new VaultError(400, ['error parsing check-and-set parameter']);
  if (cas !== (key?.currentVersion ?? 0)) {
    throw new VaultError(400, [
      'check-and-set parameter did not match the current version',
    ]);
  }
}

/** mapstructure's weak decoding of a JSON value into an int; undefined when it fails. */
function weakDecodeInt(raw: unknown): number | undefined {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  if (raw === '') return 0;
  // strconv.ParseInt(s, 0, 64): optional sign, decimal, 0x hex, 0o/0 octal, 0b binary.
  const m =
    /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]*|[1-9][0-9]*)$/.exec(
      raw,
    );
  if (!m) return undefined;
  const body = m[2];
  const value = /^0[oO]/.test(body)
    ? parseInt(body.slice(2), 8)
    : /^0[0-7]+$/.test(body)
      ? parseInt(body.slice(1), 8)
      : Number(body);
  return m[1] === '-' ? -value : value;
}

/** Parses an integer field (JSON number or numeric string); throws Vault's 400 otherwise. */
export function intField(
  body: Record<string, unknown>,
  name: string,
): number | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null) return undefined;
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^-?\d+$/.test(raw)
        ? Number(raw)
        : NaN;
  if (!Number.isInteger(n))
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(raw)} for field "${name}"`,
    ]);
  return n;
}

export function boolField(
  body: Record<string, unknown>,
  name: string,
): boolean | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null) return undefined;
  const b = toBool(raw);
  if (b === undefined)
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(raw)} for field "${name}"`,
    ]);
  return b;
}

export function durationField(
  body: Record<string, unknown>,
  name: string,
): number | undefined {
  const raw = body[name];
  if (raw === undefined || raw === null) return undefined;
  const s = parseDurationSeconds(raw);
  if (s === undefined || s < 0)
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(raw)} for field "${name}"`,
    ]);
  return s;
}

/** `custom_metadata` limits (§3): ≤64 keys, key 1–128 bytes, value 1–512 bytes, printable. */
export function validateCustomMetadata(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new VaultError(400, [
      'custom_metadata validation failed: custom_metadata must be a map of strings',
    ]);
  }
  const problems: string[] = [];
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 64)
    problems.push(
      `payload must contain at most 64 keys, provided ${entries.length}`,
    );
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const value = typeof v === 'string' ? v : String(v);
    const kLen = Buffer.byteLength(k);
    const vLen = Buffer.byteLength(value);
    if (kLen === 0 || kLen > 128)
      problems.push(
        `length of key "${k}" is ${kLen} but must be 0 < len(key) <= 128`,
      );
    if (vLen === 0 || vLen > 512)
      problems.push(
        `length of value for key "${k}" is ${vLen} but must be 0 < len(value) <= 512`,
      );
    if (/[^\x20-\x7e\u00a0-\uffff]/.test(k + value))
      problems.push(`key "${k}" or its value contains unprintable characters`);
    out[k] = value;
  }
  if (problems.length > 0) {
    const list = problems.map((p) => `\t* ${p}`).join('\n');
    throw new VaultError(400, [
      `custom_metadata validation failed: ${problems.length} error${problems.length > 1 ? 's' : ''} occurred:\n${list}\n\n`,
    ]);
  }
  return out;
}

/** RFC 7386 JSON merge patch, as KV v2's PATCH applies to `data`. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** Vault's warning for body fields an endpoint does not know (Vault: sdk/framework/backend.go). */
export function unknownFieldWarnings(
  body: Record<string, unknown>,
  known: readonly string[],
): string[] {
  const unknown = Object.keys(body)
    .filter((k) => !known.includes(k))
    .sort();
  return unknown.length === 0
    ? []
    : [
        `Endpoint ignored these unrecognized parameters: [${unknown.join(' ')}]`,
      ];
}
