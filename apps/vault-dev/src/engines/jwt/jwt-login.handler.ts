/** auth/jwt/login (Vault docs: JWT/OIDC auth API): verify the JWT against the config's keys and the role's bounds. */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import { own, parseString } from '../approle/field-parsers';
import { addressInCidrs } from '../approle/cidr';
import { loginResultFrom } from '../approle/token-params';
import {
  JWS_ALGORITHMS,
  decodeJws,
  isJwsAlgorithm,
  verifyJwsSignature,
  type DecodedJws,
} from './jws';
import type { KeySource } from './jwt-config.handlers';
import {
  audiencesOf,
  boundClaimsProblem,
  claimValue,
  registeredClaimProblem,
} from './jwt-validate';
import type { JwtConfig, JwtRole, JwtState } from './jwt.state';

/** Vault's default for jwt roles: every asymmetric algorithm, never HS* or none (§8). */
const DEFAULT_ALGS = JWS_ALGORITHMS;

function fail(message: string, status = 400): never {
  throw new VaultError(status, [message]);
}

export function createLoginHandler(
  core: CoreServices,
  state: JwtState,
  keySource: (config: JwtConfig) => KeySource,
) {
  async function verifySignature(
    token: string,
    config: JwtConfig,
  ): Promise<DecodedJws> {
    const sigError = (reason: string) =>
      fail(
        `error validating token: error verifying token signature: ${reason}`,
      );
    let decoded: DecodedJws;
    try {
      decoded = decodeJws(token);
    } catch (e) {
      return sigError((e as Error).message);
    }
    const alg = decoded.header['alg'];
    const kid =
      typeof decoded.header['kid'] === 'string' ? decoded.header['kid'] : '';
    let keys;
    try {
      keys = await keySource(config).keysFor(kid);
    } catch (e) {
      return sigError(`fetching keys: ${(e as Error).message}`);
    }
    if (
      !isJwsAlgorithm(alg) ||
      !keys.some((key) => verifyJwsSignature(alg, decoded, key))
    ) {
      return sigError(
        'no known key successfully validated the token signature',
      );
    }
    const allowed =
      config.jwtSupportedAlgs.length > 0
        ? config.jwtSupportedAlgs
        : DEFAULT_ALGS;
    if (!allowed.includes(alg))
      fail(
        'error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm',
      );
    return decoded;
  }

  function userClaimOf(role: JwtRole, claims: Record<string, unknown>): string {
    const value = role.userClaimJsonPointer
      ? claimValue(claims, role.userClaim)
      : own(claims, role.userClaim);
    if (value === undefined || value === null)
      fail(`claim "${role.userClaim}" not found in token`);
    if (typeof value !== 'string')
      fail(`claim "${role.userClaim}" could not be converted to string`);
    return value;
  }

  function mappedMetadata(
    role: JwtRole,
    claims: Record<string, unknown>,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [claim, target] of Object.entries(role.claimMappings)) {
      const value = claimValue(claims, claim);
      if (value === undefined || value === null) continue;
      if (
        typeof value !== 'string' &&
        typeof value !== 'number' &&
        typeof value !== 'boolean'
      )
        fail(`error converting claim '${claim}' to string`);
      out[target] = String(value);
    }
    return out;
  }

  return async function login(req: BackendRequest): Promise<BackendResponse> {
    const config = state.config ?? fail('could not load configuration');
    const roleName =
      (req.data['role'] === undefined
        ? ''
        : parseString(req.data['role'], 'role')
      ).toLowerCase() || config.defaultRole;
    if (roleName === '') fail('missing role');
    const role =
      own(state.roles, roleName) ??
      fail(`role "${roleName}" could not be found`);
    if (role.roleType === 'oidc')
      fail('role with oidc role_type is not allowed');
    const token =
      req.data['jwt'] === undefined ? '' : parseString(req.data['jwt'], 'jwt');
    if (token === '') fail('missing token');
    if (
      role.token.tokenBoundCidrs.length > 0 &&
      !addressInCidrs(req.remoteAddress, role.token.tokenBoundCidrs)
    )
      fail('permission denied', 403);
    const { payload: claims } = await verifySignature(token, config);
    const skewS =
      role.clockSkewLeeway === 0 ? 60 : Math.max(0, role.clockSkewLeeway);
    const problem = registeredClaimProblem(claims, {
      issuer: config.boundIssuer,
      subject: role.boundSubject,
      audiences: role.boundAudiences,
      nowS: Math.floor(core.now() / 1000),
      skewS,
    });
    if (problem) fail(`error validating token: ${problem}`);
    if (role.boundAudiences.length === 0 && audiencesOf(claims).length > 0)
      fail('audience claim found in JWT but no audiences bound to the role');
    const alias = userClaimOf(role, claims);
    const bound = boundClaimsProblem(
      claims,
      role.boundClaims,
      role.boundClaimsType,
    );
    if (bound) fail(`error validating claims: ${bound}`);
    const metadata = { role: roleName, ...mappedMetadata(role, claims) };
    const result = loginResultFrom(role.token, {
      displayName: alias,
      metadata,
      alias: { name: alias, metadata: { ...metadata } },
    });
    return { kind: 'login', login: result };
  };
}
