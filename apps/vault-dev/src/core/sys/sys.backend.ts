/**
 * The `sys/` backend: routes system paths to their handlers (Vault docs: /sys API).
 */
import { timingSafeEqual } from 'node:crypto';
import {
  VaultError,
  type Backend,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { CoreInternals } from '../core-internals';
import { health, sealStatus, type SealInfo } from './health.handlers';
import {
  handleLockedUsers,
  handleMounts,
  handleRemount,
  handleUiMounts,
} from './mounts.handlers';
import { handleCapabilities, handlePolicies } from './policies.handlers';
import { handleWrapping } from './wrapping.handlers';
import { withUnknownFieldsWarning } from '../util/unknown-fields';

/** Runtime seal state: the dev server starts unsealed; sys/seal and sys/unseal toggle it. */
export interface SealControl {
  info(): SealInfo;
  seal(): void;
  /** True when the key matches and the server is now unsealed. */
  unseal(key: string): boolean;
}

export function createSealControl(options: {
  unsealKey: string;
  clusterName: string;
  clusterId: string;
  storageType: string;
}): SealControl {
  let sealed = false;
  return {
    info: () => ({
      sealed,
      clusterName: options.clusterName,
      clusterId: options.clusterId,
      storageType: options.storageType,
    }),
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

const MOUNT_FIELDS = [
  'path',
  'type',
  'description',
  'config',
  'options',
  'local',
  'seal_wrap',
  'external_entropy_access',
  'plugin_name',
  'plugin_version',
];
const TUNE_FIELDS = [
  'path',
  'default_lease_ttl',
  'max_lease_ttl',
  'description',
  'audit_non_hmac_request_keys',
  'audit_non_hmac_response_keys',
  'options',
  'listing_visibility',
  'passthrough_request_headers',
  'allowed_response_headers',
  'token_type',
  'allowed_managed_keys',
  'plugin_version',
  'user_lockout_config',
];

/**
 * The fields Vault's system backend declares for the write paths vault-dev serves
 * (vault/logical_system_paths.go); undefined = arbitrary input (wrapping/wrap) or not a path.
 */
function sysWriteFields(path: string): readonly string[] | undefined {
  const p = path.replace(/\/+$/, '');
  if (/^(mounts|auth)\/.+\/tune$/.test(p)) return TUNE_FIELDS;
  if (/^(mounts|auth)\/.+/.test(p)) return MOUNT_FIELDS;
  if (/^(policies\/acl|policy)\/[^/]+$/.test(p))
    return ['name', 'policy', 'rules'];
  if (p === 'capabilities' || p === 'capabilities-self')
    return ['token', 'path', 'paths'];
  if (p === 'capabilities-accessor') return ['accessor', 'path', 'paths'];
  if (
    p === 'wrapping/unwrap' ||
    p === 'wrapping/lookup' ||
    p === 'wrapping/rewrap'
  )
    return ['token'];
  if (p === 'remount') return ['from', 'to'];
  if (p === 'seal' || /^locked-users\/[^/]+\/unlock\/.+$/.test(p))
    return p === 'seal' ? [] : ['mount_accessor', 'alias_identifier'];
  return undefined;
}

function unsupportedPath(): VaultError {
  return new VaultError(404, ['1 error occurred:\n\t* unsupported path\n\n']);
}

/**
 * sys/leader of a server without HA storage, as Vault's GetLeaderStatus answers it
 * (vault/logical_system.go LeaderResponse; http/sys_leader.go): HA disabled, no leader address.
 */
function leader(): Record<string, unknown> {
  return {
    ha_enabled: false,
    is_self: false,
    active_time: '0001-01-01T00:00:00Z',
    leader_address: '',
    leader_cluster_address: '',
    performance_standby: false,
    performance_standby_last_remote_wal: 0,
  };
}

function route(
  core: CoreInternals,
  seal: SealControl,
  req: BackendRequest,
): BackendResponse {
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
      if (typeof key !== 'string' || key === '')
        throw new VaultError(400, ['missing required parameter "key"']);
      if (!seal.unseal(key))
        throw new VaultError(400, ['unseal key is incorrect']);
      return sealStatus(seal.info());
    }
    case 'mounts':
      return handleMounts(core, req, rest, false);
    case 'locked-users':
      return handleLockedUsers(core, req, rest);
    case 'remount':
      return handleRemount(core, req, rest);
    case 'init':
      // A dev server is initialised (Vault's handleSysInitGet in http/sys_init.go).
      if (rest !== '') throw unsupportedPath();
      if (req.operation !== 'read')
        throw new VaultError(400, ['Vault is already initialized']);
      return { kind: 'raw', status: 200, body: { initialized: true } };
    case 'leader':
      if (rest !== '' || req.operation !== 'read') throw unsupportedPath();
      return { kind: 'raw', status: 200, body: leader() };
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
      if (restParts[0] === 'ui' && restParts[1] === 'mounts')
        return handleUiMounts(core, restParts.slice(2).join('/'));
      throw unsupportedPath();
    default:
      throw unsupportedPath();
  }
}

export function createSysBackend(
  core: CoreInternals,
  seal: SealControl,
): Backend {
  return {
    type: 'system',
    unauthenticatedPaths: [
      'health',
      'seal-status',
      'unseal',
      'init',
      'leader',
      'wrapping/lookup',
      'internal/ui/mounts',
      'internal/ui/mounts/*',
    ],
    exists(path) {
      if (path.startsWith('policies/acl/') || path.startsWith('policy/')) {
        const name = path.split('/').pop() ?? '';
        return core.policies.text(name) !== undefined;
      }
      return undefined;
    },
    async handle(req) {
      const res = route(core, seal, req);
      const known =
        req.operation === 'create' || req.operation === 'update'
          ? sysWriteFields(req.path)
          : undefined;
      return known ? withUnknownFieldsWarning(res, req.data, known) : res;
    },
  };
}
