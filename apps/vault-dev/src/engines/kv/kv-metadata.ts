/**
 * KV v2 `metadata/` and `config` handlers (Vault docs: KV v2 API).
 */
import { VaultError, type BackendResponse } from '../../core/backend';
import { goDuration } from '../../core/util/time-format';
import {
  boolField,
  durationField,
  intField,
  keyMetadata,
  mergePatch,
  newKey,
  validateCustomMetadata,
  type KvKey,
  type KvState,
} from './kv-model';

export function readConfig(state: KvState): BackendResponse {
  const c = state.config;
  return {
    kind: 'data',
    data: {
      cas_required: c.casRequired,
      delete_version_after: goDuration(c.deleteVersionAfterSeconds),
      max_versions: c.maxVersions,
    },
  };
}

export function writeConfig(
  state: KvState,
  body: Record<string, unknown>,
): BackendResponse {
  const max = intField(body, 'max_versions');
  if (max !== undefined && max < 0)
    throw new VaultError(400, ['max_versions must be a non-negative integer']);
  const cas = boolField(body, 'cas_required');
  const dva = durationField(body, 'delete_version_after');
  if (max !== undefined) state.config.maxVersions = max;
  if (cas !== undefined) state.config.casRequired = cas;
  if (dva !== undefined) state.config.deleteVersionAfterSeconds = dva;
  return { kind: 'empty' };
}

/** Immediate children of a prefix: leaves as names, sub-folders with a trailing `/`. */
export function listKeys(state: KvState, prefix: string): BackendResponse {
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const keys = new Set<string>();
  for (const path of Object.keys(state.keys)) {
    if (!path.startsWith(base)) continue;
    const rest = path.slice(base.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  keys.delete('');
  if (keys.size === 0) throw new VaultError(404, []);
  return { kind: 'data', data: { keys: [...keys].sort() } };
}

export function readMetadata(state: KvState, path: string): BackendResponse {
  const key = state.keys[path];
  if (!key) throw new VaultError(404, []);
  return { kind: 'data', data: keyMetadata(key) };
}

function applyMetadataFields(key: KvKey, body: Record<string, unknown>): void {
  const max = intField(body, 'max_versions');
  if (max !== undefined && max < 0)
    throw new VaultError(400, ['max_versions must be a non-negative integer']);
  const cas = boolField(body, 'cas_required');
  const dva = durationField(body, 'delete_version_after');
  const custom =
    body['custom_metadata'] === undefined || body['custom_metadata'] === null
      ? undefined
      : validateCustomMetadata(body['custom_metadata']);
  if (max !== undefined) key.maxVersions = max;
  if (cas !== undefined) key.casRequired = cas;
  if (dva !== undefined) key.deleteVersionAfterSeconds = dva;
  if (custom !== undefined) key.customMetadata = custom;
}

export function writeMetadata(
  state: KvState,
  path: string,
  body: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  if (path === '') throw new VaultError(400, ['missing path']);
  const key = state.keys[path] ?? newKey(nowMs);
  applyMetadataFields(key, body);
  key.updatedMs = nowMs;
  state.keys[path] = key;
  return { kind: 'empty' };
}

export function patchMetadata(
  state: KvState,
  path: string,
  body: Record<string, unknown>,
  nowMs: number,
): BackendResponse {
  const key = state.keys[path];
  if (!key) throw new VaultError(404, []);
  const patched: Record<string, unknown> = { ...body };
  if (body['custom_metadata'] !== undefined) {
    const merged = mergePatch(
      key.customMetadata ?? {},
      body['custom_metadata'],
    ) as Record<string, unknown>;
    patched['custom_metadata'] = merged;
  }
  applyMetadataFields(key, patched);
  key.updatedMs = nowMs;
  return { kind: 'empty' };
}

export function deleteMetadata(state: KvState, path: string): BackendResponse {
  delete state.keys[path];
  return { kind: 'empty' };
}
