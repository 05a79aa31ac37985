/** AppRole login (Vault docs: AppRole auth API): role_id + secret_id in, an auth block for the core out. */
import {
  InvalidCredentialsError,
  VaultError,
  type BackendRequest,
  type BackendResponse,
  type CoreServices,
} from '../../core/backend';
import { own, parseString } from './field-parsers';
import { addressInCidrs } from './cidr';
import { loginResultFrom } from './token-params';
import {
  deleteSecretId,
  hashSecretId,
  liveSecretId,
  type AppRoleState,
} from './approle.state';

/** Vault answers every credential mismatch with this one text so callers learn nothing. */
const INVALID = 'invalid role or secret ID';

export function createLoginHandler(core: CoreServices, state: AppRoleState) {
  return async function login(req: BackendRequest): Promise<BackendResponse> {
    const roleId = stringField(req, 'role_id');
    if (roleId === '') throw new VaultError(400, ['missing role_id']);
    const roleName = own(state.roleIdIndex, roleId);
    const role =
      roleName === undefined ? undefined : own(state.roles, roleName);
    if (!role) throw new VaultError(400, [INVALID]);
    const address = req.remoteAddress;
    let metadata: Record<string, string> = {};
    let secretIdTokenCidrs: string[] = [];
    if (role.bindSecretId) {
      const secretId = stringField(req, 'secret_id');
      if (secretId === '') throw new VaultError(400, ['missing secret_id']);
      const hash = hashSecretId(state, secretId);
      const entry = liveSecretId(role, hash, core.now());
      if (!entry) {
        await core.persist();
        // Only a wrong secret_id for an existing role counts toward user lockout
        // (approle path_login.go returns logical.ErrInvalidCredentials there alone).
        throw new InvalidCredentialsError(INVALID);
      }
      if (
        entry.cidrList.length > 0 &&
        !addressInCidrs(address, entry.cidrList)
      ) {
        throw new VaultError(400, [
          `source address "${address}" unauthorized by CIDR restrictions on the secret ID`,
        ]);
      }
      // The login that spends the last use still succeeds; the secret ID is gone afterwards (§4).
      if (entry.numUses > 0) {
        if (entry.numUses === 1) deleteSecretId(role, hash);
        else entry.numUses -= 1;
      }
      entry.lastUpdatedMs = core.now();
      metadata = { ...entry.metadata };
      secretIdTokenCidrs = entry.tokenBoundCidrs;
    }
    if (
      role.secretIdBoundCidrs.length > 0 &&
      !addressInCidrs(address, role.secretIdBoundCidrs)
    ) {
      throw new VaultError(400, [
        `source address "${address}" unauthorized by CIDR restrictions on the role`,
      ]);
    }
    await core.persist();
    metadata['role_name'] = role.name;
    const login = loginResultFrom(role.token, {
      displayName: 'approle',
      metadata,
      // All instances of a role share one entity: the alias is the role_id (§4, checklist 70).
      alias: { name: role.roleId, metadata: { ...metadata } },
      boundCidrs: secretIdTokenCidrs,
    });
    return { kind: 'login', login };
  };
}

function stringField(req: BackendRequest, field: string): string {
  const value = req.data[field];
  return value === undefined || value === null
    ? ''
    : parseString(value, field).trim();
}
