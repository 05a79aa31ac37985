import type { VaultClient } from '@secret-flows/vault-client';
import { durationSeconds } from './duration';
import type { PhaseSpec } from './spec-file';

type Changes = string[];

/**
 * Named key + role for tenant identity tokens. The key must list the role's client id or
 * Vault refuses to sign (Vault docs: Identity secrets engine API), and the client id is known only once the role exists.
 */
export async function configureIdentity(
  vault: VaultClient,
  spec: NonNullable<PhaseSpec['identity']>,
  agentClientId: string | undefined,
  changes: Changes,
): Promise<{ clientId: string; issuer: string }> {
  const oidc = vault.identity.oidc;
  const { key, role } = spec;
  const existingRole = await oidc.readRole(role.name);
  const existingKey = await oidc.readKey(key.name);
  const keyFields = {
    algorithm: key.algorithm,
    rotationPeriod: durationSeconds(key.rotationPeriod),
    verificationTtl: durationSeconds(key.verificationTtl),
  };
  if (!existingKey) {
    await oidc.createKey(key.name, { ...keyFields, allowedClientIds: [] });
    changes.push(`created identity OIDC key ${key.name} (${key.algorithm})`);
  }
  const wanted = {
    key: role.key,
    template: role.template,
    ttl: durationSeconds(role.ttl),
  };
  const clientIdWanted = agentClientId ?? existingRole?.clientId;
  const roleDiffers =
    !existingRole ||
    existingRole.key !== wanted.key ||
    existingRole.template.trim() !== wanted.template.trim() ||
    existingRole.ttl !== wanted.ttl ||
    (agentClientId !== undefined && existingRole.clientId !== agentClientId);
  if (roleDiffers) {
    await oidc.createRole(role.name, {
      ...wanted,
      ...(clientIdWanted ? { clientId: clientIdWanted } : {}),
    });
    changes.push(
      `${existingRole ? 'updated' : 'created'} identity OIDC role ${role.name}`,
    );
  }
  const clientId = (await oidc.readRole(role.name))?.clientId;
  if (!clientId)
    throw new Error(
      `identity OIDC role ${role.name} has no client_id after writing it`,
    );
  const keyNow = existingKey ?? { ...keyFields, allowedClientIds: [] };
  const keyDiffers =
    keyNow.algorithm !== keyFields.algorithm ||
    keyNow.rotationPeriod !== keyFields.rotationPeriod ||
    keyNow.verificationTtl !== keyFields.verificationTtl ||
    !sameSet(keyNow.allowedClientIds ?? [], [clientId]);
  if (keyDiffers) {
    await oidc.createKey(key.name, {
      ...keyFields,
      allowedClientIds: [clientId],
    });
    if (existingKey) changes.push(`updated identity OIDC key ${key.name}`);
  }
  const { issuer } = await oidc.openidConfiguration();
  return { clientId, issuer };
}

/** The JWT auth method trusting Vault's own JWKS, and the role that maps a tenant JWT to tenant-data. */
export async function configureJwt(
  vault: VaultClient,
  spec: NonNullable<PhaseSpec['jwt']>,
  trust: {
    jwksUrl: string;
    jwksCaPem?: string;
    issuer: string;
    clientId: string;
  },
  changes: Changes,
): Promise<void> {
  const jwt = vault.auth.jwt(spec.mount);
  const config = await jwt.readConfig();
  const caPem = trust.jwksCaPem ?? '';
  if (
    !config ||
    config['jwksUrl'] !== trust.jwksUrl ||
    config['boundIssuer'] !== trust.issuer ||
    (config['jwksCaPem'] ?? '') !== caPem
  ) {
    // A config write replaces the whole config: leaving jwks_ca_pem out clears an old one.
    await jwt.writeConfig({
      jwksUrl: trust.jwksUrl,
      boundIssuer: trust.issuer,
      ...(caPem ? { jwksCaPem: caPem } : {}),
    });
    changes.push(
      `configured auth/${spec.mount} to trust ${trust.jwksUrl}${caPem ? ' (CA from VAULT_CACERT)' : ''}`,
    );
  }
  const r = spec.role;
  const wanted = {
    roleType: 'jwt' as const,
    userClaim: r.userClaim,
    boundAudiences: [trust.clientId],
    claimMappings: r.claimMappings ?? {},
    tokenPolicies: r.tokenPolicies,
    tokenTtl: durationSeconds(r.tokenTtl),
    tokenMaxTtl: durationSeconds(r.tokenMaxTtl),
  };
  const existing = await jwt.readRole(r.name);
  const same =
    existing &&
    existing['roleType'] === 'jwt' &&
    existing['userClaim'] === wanted.userClaim &&
    sameSet(
      (existing['boundAudiences'] as string[] | null) ?? [],
      wanted.boundAudiences,
    ) &&
    sameSet(
      (existing['tokenPolicies'] as string[] | null) ?? [],
      wanted.tokenPolicies,
    ) &&
    Number(existing['tokenTtl']) === wanted.tokenTtl &&
    Number(existing['tokenMaxTtl']) === wanted.tokenMaxTtl &&
    JSON.stringify(existing['claimMappings'] ?? {}) ===
      JSON.stringify(wanted.claimMappings);
  if (!same) {
    await jwt.writeRole(r.name, wanted);
    changes.push(
      `${existing ? 'updated' : 'created'} auth/${spec.mount} role ${r.name}`,
    );
  }
}

/** Order-insensitive equality of two string lists. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...new Set(a)].sort();
  const sb = [...new Set(b)].sort();
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}
