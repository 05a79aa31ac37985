/**
 * sys/policies/acl, legacy sys/policy and sys/capabilities[-self] (Vault docs: /sys/policies, /sys/capabilities).
 */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { CoreInternals } from '../core-internals';
import { isRootEntry } from '../tokens/token-store';
import type { TokenEntry } from '../state/vault-state';

const UNSUPPORTED = (): VaultError =>
  new VaultError(405, ['1 error occurred:\n\t* unsupported operation\n\n']);

/** `sys/policies/acl[/name]`; `legacy` serves `sys/policy[/name]` with `rules` and `policies`. */
export function handlePolicies(
  core: CoreInternals,
  req: BackendRequest,
  rawName: string,
  legacy: boolean,
): BackendResponse {
  const name = rawName.replace(/\/$/, '');
  if (name === '') {
    if (req.operation !== 'list' && !(legacy && req.operation === 'read'))
      throw UNSUPPORTED();
    const keys = core.policies.names();
    return { kind: 'data', data: legacy ? { keys, policies: keys } : { keys } };
  }
  switch (req.operation) {
    case 'read': {
      const lower = name.toLowerCase();
      const text = lower === 'root' ? '' : core.policies.text(lower);
      if (text === undefined) throw new VaultError(404, []);
      return {
        kind: 'data',
        data: legacy
          ? { name: lower, rules: text }
          : { name: lower, policy: text },
      };
    }
    case 'create':
    case 'update': {
      const raw =
        req.data['policy'] ?? (legacy ? req.data['rules'] : undefined);
      const { warnings } = core.policies.write(
        name,
        typeof raw === 'string' ? raw : '',
      );
      return warnings.length > 0
        ? { kind: 'empty', warnings }
        : { kind: 'empty' };
    }
    case 'delete':
      core.policies.remove(name);
      return { kind: 'empty' };
    default:
      throw UNSUPPORTED();
  }
}

function pathsFrom(data: Record<string, unknown>): string[] {
  const raw = data['paths'] ?? data['path'];
  const list = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string' && raw !== ''
      ? raw.split(',')
      : [];
  if (list.length === 0) throw new VaultError(400, ['paths must be supplied']);
  return list.map((p) => p.trim().replace(/^\/+/, ''));
}

function capabilitiesOf(
  core: CoreInternals,
  entry: TokenEntry,
  paths: string[],
): BackendResponse {
  const data: Record<string, unknown> = {};
  const acl = isRootEntry(entry) ? undefined : core.aclFor(entry);
  for (const path of paths)
    data[path] = acl ? acl.capabilities(path, path.endsWith('/')) : ['root'];
  if (paths.length === 1) data['capabilities'] = data[paths[0]];
  return { kind: 'data', data };
}

/** `sys/capabilities-self`, `sys/capabilities` (token) and `sys/capabilities-accessor`. */
export function handleCapabilities(
  core: CoreInternals,
  req: BackendRequest,
  which: string,
): BackendResponse {
  if (req.operation !== 'update' && req.operation !== 'create')
    throw UNSUPPORTED();
  const paths = pathsFrom(req.data);
  let entry: TokenEntry | undefined;
  if (which === 'capabilities-self')
    entry = req.caller ? core.tokens.get(req.caller.id) : undefined;
  else if (which === 'capabilities')
    entry = core.tokens.get(String(req.data['token'] ?? ''));
  else entry = core.tokens.byAccessor(String(req.data['accessor'] ?? ''));
  if (!entry) {
    // A token that used its last use on this very request still gets its answer.
    if (which === 'capabilities-self' && req.caller)
      return {
        kind: 'data',
        data: Object.fromEntries(paths.map((p) => [p, ['deny']])),
      };
    throw new VaultError(400, [
      which === 'capabilities-accessor' ? 'invalid accessor' : 'invalid token',
    ]);
  }
  return capabilitiesOf(core, entry, paths);
}
