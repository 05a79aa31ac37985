/**
 * The `sys/` backend: routes system paths to their handlers (reference §2, §9).
 */
import { timingSafeEqual } from 'node:crypto';
import { VaultError, type Backend, type BackendRequest, type BackendResponse } from '../backend';
import type { CoreInternals } from '../core-internals';
import { health, sealStatus, type SealInfo } from './health.handlers';
import { handleMounts, handleUiMounts } from './mounts.handlers';
import { handleCapabilities, handlePolicies } from './policies.handlers';
import { handleWrapping } from './wrapping.handlers';

/** Runtime seal state: the dev server starts unsealed; sys/seal and sys/unseal toggle it. */
export interface SealControl {
  info(): SealInfo;
  seal(): void;
  /** True when the key matches and the server is now unsealed. */
  unseal(key: string): boolean;
}

export function createSealControl(options: { unsealKey: string; clusterName: string; clusterId: string; storageType: string }): SealControl {
  let sealed = false;
  return {
    info: () => ({ sealed, clusterName: options.clusterName, clusterId: options.clusterId, storageType: options.storageType }),
    seal() {
      sealed = true;
    },
    unseal(key) {
      const a = Buffer.from(key);
      const b = Buffer.from(options.unsealKey);
      if (a.length === b.length && timingSafeEqual(a, b)) sealed = false;
      return !sealed;
    },
  };
}

function unsupportedPath(): VaultError {
  return new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
}

function route(core: CoreInternals, seal: SealControl, req: BackendRequest): BackendResponse {
  const path = req.path;
  const [head, ...restParts] = path.split('/');
  const rest = restParts.join('/');
  switch (head) {
    case 'health':
      return health(req.data, seal.info(), core.now());
    case 'seal-status':
      return sealStatus(seal.info());
    case 'seal':
      seal.seal();
      return { kind: 'empty' };
    case 'unseal': {
      if (req.data['reset'] === true) return sealStatus(seal.info());
      const key = req.data['key'];
      if (typeof key !== 'string' || key === '') throw new VaultError(400, ['missing required parameter "key"']);
      if (!seal.unseal(key)) throw new VaultError(400, ['unseal key is incorrect']);
      return sealStatus(seal.info());
    }
    case 'mounts':
      return handleMounts(core, req, rest, false);
    case 'auth':
      return handleMounts(core, req, rest, true);
    case 'policy':
      return handlePolicies(core, req, rest, true);
    case 'policies':
      if (restParts[0] !== 'acl') throw unsupportedPath();
      return handlePolicies(core, req, restParts.slice(1).join('/'), false);
    case 'capabilities-self':
    case 'capabilities':
    case 'capabilities-accessor':
      return handleCapabilities(core, req, head);
    case 'wrapping':
      return handleWrapping(core, req, rest);
    case 'internal':
      if (restParts[0] === 'ui' && restParts[1] === 'mounts') return handleUiMounts(core, restParts.slice(2).join('/'));
      throw unsupportedPath();
    default:
      throw unsupportedPath();
  }
}

export function createSysBackend(core: CoreInternals, seal: SealControl): Backend {
  return {
    type: 'system',
    unauthenticatedPaths: ['health', 'seal-status', 'unseal', 'wrapping/lookup', 'internal/ui/mounts', 'internal/ui/mounts/*'],
    exists(path) {
      if (path.startsWith('policies/acl/') || path.startsWith('policy/')) {
        const name = path.split('/').pop() ?? '';
        return core.policies.text(name) !== undefined;
      }
      return undefined;
    },
    async handle(req) {
      return route(core, seal, req);
    },
  };
}
