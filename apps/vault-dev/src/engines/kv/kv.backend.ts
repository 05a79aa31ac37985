/**
 * The KV v2 secrets engine (Vault docs: KV v2 API): routes a mount-relative path to the
 * data/metadata/config handlers and answers Vault's invalid-path envelopes.
 */
import {
  VaultError,
  type Backend,
  type BackendFactory,
  type BackendRequest,
  type BackendResponse,
} from '../../core/backend';
import {
  changeVersions,
  deleteLatest,
  patchData,
  readData,
  readSubkeys,
  writeData,
} from './kv-data';
import {
  deleteMetadata,
  listKeys,
  patchMetadata,
  readConfig,
  readMetadata,
  writeConfig,
  writeMetadata,
} from './kv-metadata';
import { initialKvState, type KvState } from './kv-model';
import { createKvV1Backend } from './kv-v1';

const INVALID_PATH_OPS: Record<string, string> = {
  read: 'get',
  create: 'put',
  update: 'put',
  patch: 'patch',
  list: 'list',
  delete: 'delete',
};
const SECTIONS = new Set([
  'data',
  'metadata',
  'delete',
  'undelete',
  'destroy',
  'subkeys',
  'detailed-metadata',
]);

function invalidPath(operation: string): BackendResponse {
  const op = INVALID_PATH_OPS[operation] ?? 'get';
  return {
    kind: 'empty',
    status: 404,
    warnings: [
      `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${op}' for this operation.`,
    ],
  };
}

function unsupported(): VaultError {
  return new VaultError(405, [
    '1 error occurred:\n\t* unsupported operation\n\n',
  ]);
}

function splitSection(path: string): { section: string; rest: string } {
  const slash = path.indexOf('/');
  return slash === -1
    ? { section: path, rest: '' }
    : { section: path.slice(0, slash), rest: path.slice(slash + 1) };
}

function handleData(
  state: KvState,
  req: BackendRequest,
  rest: string,
  nowMs: number,
): BackendResponse {
  switch (req.operation) {
    case 'read':
      return readData(state, rest, req.data, nowMs);
    case 'create':
    case 'update':
      return writeData(state, rest, req.data, nowMs);
    case 'patch':
      return patchData(state, rest, req.data, nowMs);
    case 'delete':
      return deleteLatest(state, rest, nowMs);
    default:
      throw unsupported();
  }
}

function handleMetadata(
  state: KvState,
  req: BackendRequest,
  rest: string,
  nowMs: number,
): BackendResponse {
  switch (req.operation) {
    case 'list':
      return listKeys(state, rest);
    case 'read':
      return readMetadata(state, rest);
    case 'create':
    case 'update':
      return writeMetadata(state, rest, req.data, nowMs);
    case 'patch':
      return patchMetadata(state, rest, req.data, nowMs);
    case 'delete':
      return deleteMetadata(state, rest);
  }
}

function route(
  state: KvState,
  req: BackendRequest,
  nowMs: number,
): BackendResponse {
  const { section, rest } = splitSection(req.path);
  if (section === 'config' && rest === '') {
    if (req.operation === 'read') return readConfig(state);
    if (req.operation === 'create' || req.operation === 'update')
      return writeConfig(state, req.data);
    throw unsupported();
  }
  if (!SECTIONS.has(section)) return invalidPath(req.operation);
  if (section === 'metadata' || section === 'detailed-metadata')
    return handleMetadata(state, req, rest, nowMs);
  if (rest === '' || rest === '/') {
    return {
      kind: 'empty',
      status: 404,
      warnings: [
        'Non-listing operations on the root of a K/V v2 mount are not supported.',
      ],
    };
  }
  if (section === 'data') return handleData(state, req, rest, nowMs);
  if (section === 'subkeys') {
    if (req.operation !== 'read') throw unsupported();
    return readSubkeys(state, rest, req.data, nowMs);
  }
  if (req.operation !== 'create' && req.operation !== 'update')
    throw unsupported();
  return changeVersions(
    state,
    rest,
    req.data,
    nowMs,
    section as 'delete' | 'undelete' | 'destroy',
  );
}

/** Creates a KV engine for one mount (v2 when `options.version` is "2", else v1); state lives in the core's store. */
export const createKvBackend: BackendFactory = (core, mount) => {
  if (mount.options['version'] !== '2') return createKvV1Backend(core);
  const state = core.state<KvState>(initialKvState);
  const backend: Backend = {
    type: 'kv',
    exists(path) {
      const { section, rest } = splitSection(path);
      // Existence = the key's metadata exists, so the first write needs `create` (§3, §6).
      if (section === 'data' || section === 'metadata')
        return state.keys[rest] !== undefined;
      if (section === 'config') return true;
      return undefined;
    },
    async handle(req) {
      const response = route(state, req, core.now());
      if (req.operation !== 'read' && req.operation !== 'list')
        await core.persist();
      return response;
    },
  };
  return backend;
};
