/**
 * The `cubbyhole/` engine: a private key/value space per token, gone with the token
 * (the default policy grants `cubbyhole/*`). Always mounted, like in Vault.
 */
import {
  VaultError,
  type Backend,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { TokenStore } from '../tokens/token-store';

export interface CubbyholeState {
  byToken: Record<string, Record<string, Record<string, unknown>>>;
}

function list(space: Record<string, unknown>, prefix: string): BackendResponse {
  const keys = new Set<string>();
  for (const path of Object.keys(space)) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  keys.delete('');
  if (keys.size === 0) throw new VaultError(404, []);
  return { kind: 'data', data: { keys: [...keys].sort() } };
}

export function createCubbyholeBackend(
  state: CubbyholeState,
  tokens: TokenStore,
): Backend {
  // Revocation is lazy: spaces of tokens that no longer exist are dropped on the next write.
  const sweep = (): void => {
    for (const id of Object.keys(state.byToken))
      if (!tokens.get(id)) delete state.byToken[id];
  };
  const handle = (req: BackendRequest): BackendResponse => {
    if (!req.caller) throw new VaultError(400, ['client token empty']);
    const space = state.byToken[req.caller.id] ?? {};
    const path = req.path;
    switch (req.operation) {
      case 'read': {
        const data = Object.prototype.hasOwnProperty.call(space, path)
          ? space[path]
          : undefined;
        if (!data) throw new VaultError(404, []);
        return { kind: 'data', data };
      }
      case 'list':
        return list(space, path === '/' ? '' : path);
      case 'create':
      case 'update':
        if (path === '' || path.endsWith('/'))
          throw new VaultError(400, ['missing path']);
        if (Object.keys(req.data).length === 0)
          throw new VaultError(400, ['missing data fields']);
        sweep();
        state.byToken[req.caller.id] = { ...space, [path]: req.data };
        return { kind: 'empty' };
      case 'delete':
        delete space[path];
        return { kind: 'empty' };
      default:
        throw new VaultError(405, [
          '1 error occurred:\n\t* unsupported operation\n\n',
        ]);
    }
  };
  return {
    type: 'cubbyhole',
    exists: (path) =>
      Object.values(state.byToken).some((space) =>
        Object.prototype.hasOwnProperty.call(space, path),
      ),
    async handle(req) {
      return handle(req);
    },
  };
}
