import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VaultClient } from '@secret-flows/vault-client';

// Phase 4 on a fresh vault-dev as deploy/vault/bootstrap.yaml sets it up: the policies of
// deploy/vault/policies, an AppRole `wallet` with wallet-provisioner only (role-id and secret-id
// written to `dir`), Vault's own identity tokens as what auth/jwt trusts.
const POLICIES = path.resolve(__dirname, '../../../deploy/vault/policies');
export const CLIENT_ID = 'test-agent';

export async function bootstrapPhase4(
  root: VaultClient,
  address: string,
  dir: string,
): Promise<void> {
  for (const method of ['approle', 'userpass', 'jwt'])
    await root.sys.enableAuthMethod(method, { type: method });
  const jwtAccessor = (await root.sys.authAccessor('jwt')) ?? '';
  const policy = (name: string) =>
    fs
      .readFileSync(path.join(POLICIES, `${name}.hcl`), 'utf8')
      .split('{{jwt_accessor}}')
      .join(jwtAccessor);
  for (const name of ['tenant-data', 'tenant-login', 'wallet-provisioner'])
    await root.sys.writePolicy(name, policy(name));
  const oidc = root.identity.oidc;
  await oidc.createKey('tenant', {
    algorithm: 'ES256',
    allowedClientIds: [CLIENT_ID],
  });
  await oidc.createRole('tenant', {
    key: 'tenant',
    clientId: CLIENT_ID,
    ttl: '1h',
    template: '{"tenant_id": {{identity.entity.metadata.tenant_id}}}',
  });
  const { issuer } = await oidc.openidConfiguration();
  await root.auth.jwt().writeConfig({
    jwksUrl: `${address}/v1/identity/oidc/.well-known/keys`,
    boundIssuer: issuer,
  });
  await root.auth.jwt().writeRole('tenant', {
    roleType: 'jwt',
    userClaim: 'tenant_id',
    boundAudiences: [CLIENT_ID],
    tokenPolicies: ['tenant-data'],
    tokenTtl: '15m',
  });
  await root.auth.approle().writeRole('wallet', {
    tokenPolicies: ['wallet-provisioner'],
    tokenTtl: '1h',
    tokenMaxTtl: '24h',
  });
  fs.writeFileSync(
    path.join(dir, 'role-id'),
    await root.auth.approle().readRoleId('wallet'),
  );
  fs.writeFileSync(
    path.join(dir, 'secret-id'),
    (await root.auth.approle().generateSecretId('wallet')).secretId ?? '',
  );
}
