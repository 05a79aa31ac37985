/** identity/oidc/config and identity/oidc/key/* endpoints (Vault docs: Identity secrets engine API). */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import {
  badField,
  own,
  parseDurationSeconds,
  parseString,
  parseStringList,
  storableKey,
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import { isJwsAlgorithm, type JwsAlgorithm } from '../jwt/jws';
import { createNamedKey, rotateKey, type NamedKey } from './oidc-keys';
import { rolesUsingKey, type OidcState } from './oidc.state';

const DAY_S = 86_400;

/** Vault's built-in key, created the first time a role names it (§7). */
export async function ensureDefaultKey(
  core: CoreServices,
  state: OidcState,
): Promise<NamedKey> {
  const existing = own(state.keys, 'default');
  if (existing) return existing;
  const key = await createNamedKey(core, {
    name: 'default',
    algorithm: 'RS256',
    rotationPeriodS: DAY_S,
    verificationTtlS: DAY_S,
    allowedClientIds: ['*'],
  });
  // A concurrent role write may have created it while this key was generated.
  const raced = own(state.keys, 'default');
  if (raced) return raced;
  state.keys['default'] = key;
  return key;
}

export const ISSUER_WARNING =
  'If "issuer" is set explicitly, all tokens must be validated against that address, ' +
  'including those issued by secondary clusters. Setting issuer to "" will restore the ' +
  "default behavior of using the cluster's api_addr as the issuer.";

export function createOidcKeyHandlers(core: CoreServices, state: OidcState) {
  function readConfig(): BackendResponse {
    return { kind: 'data', data: { issuer: state.issuer } };
  }

  async function writeConfig(req: BackendRequest): Promise<BackendResponse> {
    if (req.data['issuer'] !== undefined) {
      const issuer = parseString(req.data['issuer'], 'issuer');
      if (
        issuer !== '' &&
        !/^https?:\/\/[^/]+$/.test(issuer.replace(/\/+$/, ''))
      ) {
        badField(
          'invalid issuer, which must include only a scheme, host, and optional port (e.g. https://example.com:8200)',
        );
      }
      state.issuer = issuer;
      await core.persist();
      // Vault answers an explicit issuer with this warning (identity store_oidc.go
      // pathOIDCUpdateConfig); clearing it ("") answers 204.
      if (issuer !== '') return { kind: 'empty', warnings: [ISSUER_WARNING] };
    }
    return { kind: 'empty' };
  }

  async function writeKey(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = storableKey(rawName, 'name');
    const existing = own(state.keys, name);
    const d = req.data;
    const algorithm =
      d['algorithm'] === undefined
        ? (existing?.algorithm ?? 'RS256')
        : parseString(d['algorithm'], 'algorithm');
    if (!isJwsAlgorithm(algorithm) || algorithm.startsWith('PS'))
      badField(`unknown signing algorithm "${algorithm}"`);
    const rotationPeriodS =
      d['rotation_period'] === undefined
        ? (existing?.rotationPeriodS ?? DAY_S)
        : parseDurationSeconds(d['rotation_period'], 'rotation_period');
    const verificationTtlS =
      d['verification_ttl'] === undefined
        ? (existing?.verificationTtlS ?? DAY_S)
        : parseDurationSeconds(d['verification_ttl'], 'verification_ttl');
    const allowedClientIds =
      d['allowed_client_ids'] === undefined
        ? (existing?.allowedClientIds ?? [])
        : parseStringList(d['allowed_client_ids'], 'allowed_client_ids');
    if (rotationPeriodS < 60)
      badField('rotation_period must be at least one minute');
    if (verificationTtlS > 10 * rotationPeriodS)
      badField('verification_ttl cannot be longer than 10x rotation_period');
    for (const roleName of rolesUsingKey(state, name)) {
      if (state.roles[roleName].ttlS > verificationTtlS) {
        badField(
          `unable to update key "${name}" because it is currently referenced by role "${roleName}" with a ttl longer than the verification_ttl`,
        );
      }
    }
    if (existing) {
      Object.assign(existing, {
        algorithm: algorithm as JwsAlgorithm,
        rotationPeriodS,
        verificationTtlS,
        allowedClientIds,
      });
    } else {
      const created = await createNamedKey(core, {
        name,
        algorithm: algorithm as JwsAlgorithm,
        rotationPeriodS,
        verificationTtlS,
        allowedClientIds,
      });
      // Generation awaits a worker thread; never replace a key ring a concurrent write created.
      if (!own(state.keys, name)) state.keys[name] = created;
    }
    await core.persist();
    return { kind: 'empty' };
  }

  function readKey(_req: BackendRequest, [name]: string[]): BackendResponse {
    const key = own(state.keys, name) ?? notFound();
    return {
      kind: 'data',
      data: {
        algorithm: key.algorithm,
        rotation_period: key.rotationPeriodS,
        verification_ttl: key.verificationTtlS,
        allowed_client_ids: key.allowedClientIds,
      },
    };
  }

  async function deleteKey(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const users = rolesUsingKey(state, name);
    if (users.length > 0) {
      throw new VaultError(400, [
        `unable to delete key "${name}" because it is currently referenced by these roles: ${users.join(', ')}`,
      ]);
    }
    if (own(state.keys, name)) {
      delete state.keys[name];
      await core.persist();
    }
    return { kind: 'empty' };
  }

  async function rotate(
    req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    const key = own(state.keys, name);
    if (!key) throw new VaultError(400, [`no named key found at "${name}"`]);
    const ttl =
      req.data['verification_ttl'] === undefined
        ? key.verificationTtlS
        : parseDurationSeconds(
            req.data['verification_ttl'],
            'verification_ttl',
          );
    await rotateKey(core, key, ttl);
    await core.persist();
    return { kind: 'empty' };
  }

  return {
    readConfig,
    writeConfig,
    writeKey,
    readKey,
    deleteKey,
    rotate,
    listKeys: () => listResponse(Object.keys(state.keys).sort()),
  };
}
