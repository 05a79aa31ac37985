/**
 * KV version 1 (a `kv` mount without `options.version: "2"`, as in Vault): plain
 * unversioned key/value pairs at the path itself.
 */
import {
  VaultError,
  type Backend,
  type CoreServices,
} from '../../core/backend';

interface KvV1State {
  entries: Record<string, Record<string, unknown>>;
}

function listChildren(
  entries: Record<string, unknown>,
  prefix: string,
): string[] {
  const keys = new Set<string>();
  for (const path of Object.keys(entries)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  keys.delete('');
  return [...keys].sort();
}

/** Creates a KV v1 engine for one mount. */
export function createKvV1Backend(core: CoreServices): Backend {
  const state = core.state<KvV1State>(() => ({ entries: {} }));
  return {
    type: 'kv',
    exists: (path) => Object.prototype.hasOwnProperty.call(state.entries, path),
    async handle(req) {
      const path = req.path;
      switch (req.operation) {
        case 'read': {
          const data = Object.prototype.hasOwnProperty.call(state.entries, path)
            ? state.entries[path]
            : undefined;
          if (!data) throw new VaultError(404, []);
          return { kind: 'data', data };
        }
        case 'list': {
          const keys = listChildren(state.entries, path === '/' ? '' : path);
          if (keys.length === 0) throw new VaultError(404, []);
          return { kind: 'data', data: { keys } };
        }
        case 'create':
        case 'update':
          if (path === '' || path.endsWith('/'))
            throw new VaultError(400, ['missing path']);
          if (Object.keys(req.data).length === 0)
            throw new VaultError(400, ['no data provided']);
          state.entries[path] = req.data;
          await core.persist();
          return { kind: 'empty' };
        case 'delete':
          delete state.entries[path];
          await core.persist();
          return { kind: 'empty' };
        default:
          throw new VaultError(405, [
            '1 error occurred:\n\t* unsupported operation\n\n',
          ]);
      }
    },
  };
}
