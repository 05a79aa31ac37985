/**
 * identity/oidc/role/*, token generation, discovery, JWKS and introspection
 * (Vault docs: Identity tokens).
 */
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
  storableKey,
} from '../approle/field-parsers';
import { listResponse, notFound } from '../approle/route-table';
import {
  JWS_ALGORITHMS,
  decodeJws,
  signJws,
  verifyJwsSignature,
  type DecodedJws,
} from '../jwt/jws';
import {
  findVersion,
  createPrivateKeyCache,
  publicKeyOf,
  publishedKeys,
  rotateIfDue,
  type NamedKey,
} from './oidc-keys';
import { ensureDefaultKey } from './oidc-keys.handlers';
import {
  decodeTemplate,
  renderTemplate,
  validateTemplate,
} from './oidc-template';
import { issuerOf, type OidcRole, type OidcState } from './oidc.state';

const DAY_S = 86_400;

export function createOidcTokenHandlers(core: CoreServices, state: OidcState) {
  const privateKeyOf = createPrivateKeyCache();
  async function writeRole(
    req: BackendRequest,
    [rawName]: string[],
  ): Promise<BackendResponse> {
    const name = storableKey(rawName, 'name');
    const existing = own(state.roles, name);
    const d = req.data;
    const keyName =
      d['key'] === undefined
        ? (existing?.key ?? '')
        : parseString(d['key'], 'key');
    if (keyName === '') badField('the key parameter is required');
    const key = own(state.keys, keyName);
    if (!key && keyName !== 'default') badField(`cannot find key "${keyName}"`);
    const template =
      d['template'] === undefined
        ? (existing?.template ?? '')
        : decodeTemplate(parseString(d['template'], 'template'));
    const problem = validateTemplate(template, Math.floor(core.now() / 1000));
    if (problem) badField(problem);
    const ttlS =
      d['ttl'] === undefined
        ? (existing?.ttlS ?? DAY_S)
        : parseDurationSeconds(d['ttl'], 'ttl');
    if (ttlS > (key?.verificationTtlS ?? DAY_S))
      badField(
        "a role's token ttl cannot be longer than the verification_ttl of the key it references",
      );
    // The built-in key is generated only once a valid role needs it.
    if (!key) await ensureDefaultKey(core, state);
    const clientId =
      d['client_id'] !== undefined &&
      parseString(d['client_id'], 'client_id') !== ''
        ? parseString(d['client_id'], 'client_id')
        : (existing?.clientId ?? core.randomBase62(26));
    state.roles[name] = { name, key: keyName, template, ttlS, clientId };
    await core.persist();
    return { kind: 'empty' };
  }

  function readRole(_req: BackendRequest, [name]: string[]): BackendResponse {
    const role = own(state.roles, name) ?? notFound();
    return {
      kind: 'data',
      data: {
        key: role.key,
        template: role.template,
        ttl: role.ttlS,
        client_id: role.clientId,
      },
    };
  }

  async function deleteRole(
    _req: BackendRequest,
    [name]: string[],
  ): Promise<BackendResponse> {
    if (own(state.roles, name)) {
      delete state.roles[name];
      await core.persist();
    }
    return { kind: 'empty' };
  }

  async function generateToken(
    req: BackendRequest,
    [roleName]: string[],
  ): Promise<BackendResponse> {
    const role = own(state.roles, roleName);
    if (!role) throw new VaultError(400, [`role "${roleName}" not found`]);
    const key = own(state.keys, role.key);
    if (!key) throw new VaultError(400, [`key "${role.key}" not found`]);
    if (
      !key.allowedClientIds.includes('*') &&
      !key.allowedClientIds.includes(role.clientId)
    ) {
      throw new VaultError(400, [
        `the key "${role.key}" does not list the client ID of the role "${roleName}" as an allowed client ID`,
      ]);
    }
    const entityId = req.caller?.entityId ?? '';
    const entity =
      entityId === '' ? undefined : core.identity.entityById(entityId);
    if (!entity)
      throw new VaultError(400, [
        "no entity associated with the request's token",
      ]);
    if (await rotateIfDue(core, key)) await core.persist();
    const iat = Math.floor(core.now() / 1000);
    const templateClaims = renderTemplate(role.template, {
      entity,
      aliases: core.identity.aliasesOf(entity.id),
      nowSeconds: iat,
    });
    const ttl = Math.min(role.ttlS, key.verificationTtlS);
    const claims = {
      ...templateClaims,
      iss: issuerOf(core, state),
      sub: entity.id,
      aud: role.clientId,
      iat,
      exp: iat + ttl,
      namespace: 'root',
    };
    const token = signJws(
      key.algorithm,
      key.signing.kid,
      claims,
      privateKeyOf(key.signing),
    );
    return { kind: 'data', data: { token, client_id: role.clientId, ttl } };
  }

  /** Only keys referenced by at least one role are published (§7). */
  async function referencedKeys(): Promise<NamedKey[]> {
    const names = [
      ...new Set(Object.values(state.roles).map((r: OidcRole) => r.key)),
    ].sort();
    const keys = names
      .map((n) => own(state.keys, n))
      .filter((k): k is NamedKey => k !== undefined);
    let changed = false;
    for (const key of keys) changed = (await rotateIfDue(core, key)) || changed;
    if (changed) await core.persist();
    return keys;
  }

  async function jwks(): Promise<BackendResponse> {
    const keys = await referencedKeys();
    const now = core.now();
    // Caches may hold the set until the next rotation, when a new key starts signing.
    const untilRotation = keys.map((k) =>
      Math.max(0, Math.floor((k.nextRotationMs - now) / 1000)),
    );
    const maxAge =
      untilRotation.length > 0 ? Math.min(3600, ...untilRotation) : 3600;
    return {
      kind: 'raw',
      status: 200,
      headers: { 'Cache-Control': `max-age=${maxAge}` },
      body: { keys: keys.flatMap((k) => publishedKeys(k, now)) },
    };
  }

  function discovery(): BackendResponse {
    const issuer = issuerOf(core, state);
    return {
      kind: 'raw',
      status: 200,
      headers: { 'Cache-Control': 'max-age=3600' },
      body: {
        issuer,
        jwks_uri: `${issuer}/.well-known/keys`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: JWS_ALGORITHMS.filter(
          (a) => !a.startsWith('PS'),
        ),
      },
    };
  }

  function introspect(req: BackendRequest): BackendResponse {
    const answer = (error?: string): BackendResponse => ({
      kind: 'raw',
      status: 200,
      body: error ? { active: false, error } : { active: true },
    });
    const token =
      req.data['token'] === undefined
        ? ''
        : parseString(req.data['token'], 'token');
    if (token === '') badField('missing token');
    let decoded: DecodedJws;
    try {
      decoded = decodeJws(token);
    } catch (e) {
      return answer(`error parsing token: ${(e as Error).message}`);
    }
    if (!verifiedByAnyKey(decoded))
      return answer('unable to validate the token signature');
    const problem = claimProblem(decoded.payload, req.data['client_id']);
    if (problem) return answer(`error validating claims: ${problem}`);
    const entity = core.identity.entityById(String(decoded.payload['sub']));
    if (!entity) return answer('entity was not found');
    if (entity.disabled) return answer('entity is disabled');
    return answer();
  }

  function verifiedByAnyKey(decoded: DecodedJws): boolean {
    const kid = decoded.header['kid'];
    const alg = decoded.header['alg'];
    if (typeof kid !== 'string' || typeof alg !== 'string') return false;
    const now = core.now();
    for (const key of Object.values(state.keys)) {
      const version = findVersion(key, kid, now);
      if (version && key.algorithm === alg)
        return verifyJwsSignature(key.algorithm, decoded, publicKeyOf(version));
    }
    return false;
  }

  function claimProblem(
    claims: Record<string, unknown>,
    clientId: unknown,
  ): string | undefined {
    const now = Math.floor(core.now() / 1000);
    if (claims['iss'] !== issuerOf(core, state))
      return 'validation failed, invalid issuer claim (iss)';
    if (typeof claims['exp'] !== 'number' || now > claims['exp'])
      return 'validation failed, token is expired (exp)';
    if (typeof claims['iat'] === 'number' && claims['iat'] > now + 60)
      return 'validation failed, token issued in the future (iat)';
    if (
      typeof clientId === 'string' &&
      clientId !== '' &&
      claims['aud'] !== clientId
    )
      return 'validation failed, invalid audience claim (aud)';
    return undefined;
  }

  return {
    writeRole,
    readRole,
    deleteRole,
    generateToken,
    jwks,
    discovery,
    introspect,
    listRoles: () => listResponse(Object.keys(state.roles).sort()),
  };
}
