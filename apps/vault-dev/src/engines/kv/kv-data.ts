/**
 * KV v2 `data/`, `delete/`, `undelete/`, `destroy/` and `subkeys/` handlers (Vault docs: KV v2 API).
 */
import { VaultError, type BackendResponse } from '../../core/backend';
import {
  addVersion,
  checkCas,
  isVersionLive,
  mergePatch,
  newKey,
  unknownFieldWarnings,
  versionMetadata,
  type KvKey,
  type KvState,
} from './kv-model';

const NOT_FOUND = (): VaultError => new VaultError(404, []);
const DATA_FIELDS = ['data', 'options', 'version'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function requestedVersion(query: Record<string, unknown>, key: KvKey): number {
  const raw = query['version'];
  if (raw === undefined || raw === '' || raw === null)
    return key.currentVersion;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new VaultError(400, [
      `error converting input ${JSON.stringify(raw)} for field "version"`,
    ]);
  return n === 0 ? key.currentVersion : n;
}

/** Soft-deleted or destroyed versions answer 404 with the full envelope and no `errors` (hvac#906). */
function deletedEnvelope(key: KvKey, n: number): BackendResponse {
  return {
    kind: 'data',
    status: 404,
    data: { data: null, metadata: versionMetadata(key, n) },
  };
}

export function readData(
  state: KvState,
  path: string,
  query: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  const key = state.keys[path];
  if (!key) throw NOT_FOUND();
  const n = requestedVersion(query, key);
  const version = key.versions[String(n)];
  if (n === 0 || !version) throw NOT_FOUND();
  if (!isVersionLive(version, nowMs)) return deletedEnvelope(key, n);
  return {
    kind: 'data',
    data: { data: version.data, metadata: versionMetadata(key, n) },
  };
}

export function writeData(
  state: KvState,
  path: string,
  body: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  const data = body['data'];
  if (!isPlainObject(data)) throw new VaultError(400, ['no data provided']);
  const existing = state.keys[path];
  checkCas(body, existing, state.config);
  const key = existing ?? newKey(nowMs);
  state.keys[path] = key;
  const n = addVersion(key, state.config, data, nowMs);
  return withWarnings(
    { kind: 'data', data: versionMetadata(key, n) },
    unknownFieldWarnings(body, DATA_FIELDS),
  );
}

function withWarnings(
  res: BackendResponse,
  warnings: string[],
): BackendResponse {
  return warnings.length > 0 && res.kind === 'data'
    ? { ...res, warnings }
    : res;
}

export function patchData(
  state: KvState,
  path: string,
  body: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  const key = state.keys[path];
  if (!key || key.currentVersion === 0) throw NOT_FOUND();
  const current = key.versions[String(key.currentVersion)];
  if (!current || !isVersionLive(current, nowMs))
    return deletedEnvelope(key, key.currentVersion);
  const patch = body['data'];
  if (!isPlainObject(patch)) throw new VaultError(400, ['no data provided']);
  checkCas(body, key, state.config);
  const merged = mergePatch(current.data, patch) as Record<string, unknown>;
  const n = addVersion(key, state.config, merged, nowMs);
  return withWarnings(
    { kind: 'data', data: versionMetadata(key, n) },
    unknownFieldWarnings(body, DATA_FIELDS),
  );
}

/** `DELETE data/p` soft-deletes the current version; a no-op if absent or already deleted. */
export function deleteLatest(
  state: KvState,
  path: string,
  nowMs: number,
): BackendResponse {
  const key = state.keys[path];
  const current = key?.versions[String(key.currentVersion)];
  if (
    current &&
    !current.destroyed &&
    (current.deletionMs === 0 || current.deletionMs > nowMs)
  )
    current.deletionMs = nowMs;
  return { kind: 'empty' };
}

function versionsParam(body: Record<string, unknown>): number[] {
  const raw = body['versions'];
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'string' && raw !== ''
      ? raw.split(',')
      : typeof raw === 'number'
        ? [raw]
        : [];
  if (list.length === 0)
    throw new VaultError(400, ['No version number provided']);
  return list.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n))
      throw new VaultError(400, [
        `error converting input ${JSON.stringify(v)} for field "versions"`,
      ]);
    return n;
  });
}

export function changeVersions(
  state: KvState,
  path: string,
  body: Record<string, unknown>,
  nowMs: number,
  action: 'delete' | 'undelete' | 'destroy',
): BackendResponse {
  const versions = versionsParam(body);
  const key = state.keys[path];
  if (!key) return { kind: 'empty' };
  for (const n of versions) {
    const v = key.versions[String(n)];
    if (!v) continue;
    if (action === 'destroy') {
      v.destroyed = true;
      v.data = null;
    } else if (!v.destroyed) {
      v.deletionMs = action === 'delete' ? nowMs : 0;
    }
  }
  return { kind: 'empty' };
}

function subkeysOf(value: unknown, depth: number, level: number): unknown {
  if (!isPlainObject(value)) return null;
  if (depth > 0 && level >= depth) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = isPlainObject(v) ? subkeysOf(v, depth, level + 1) : null;
  return out;
}

export function readSubkeys(
  state: KvState,
  path: string,
  query: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  const key = state.keys[path];
  if (!key) throw NOT_FOUND();
  const n = requestedVersion(query, key);
  const version = key.versions[String(n)];
  if (n === 0 || !version) throw NOT_FOUND();
  if (!isVersionLive(version, nowMs)) return deletedEnvelope(key, n);
  const depth = query['depth'] === undefined ? 0 : Number(query['depth']);
  if (!Number.isInteger(depth) || depth < 0)
    throw new VaultError(400, ['depth must be a non-negative integer']);
  return {
    kind: 'data',
    data: {
      subkeys: subkeysOf(version.data, depth, 0),
      metadata: versionMetadata(key, n),
    },
  };
}
