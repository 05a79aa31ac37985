import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as jwt from 'jsonwebtoken';
// vault-dev is an app, allowed in this project's tests only (vaultDevInTests in eslint.config.mjs).
import { startVaultDev } from '@secret-flows/vault-dev';
import {
  createVaultClient,
  tokenAuth,
  type JsonWebKeySet,
  type VaultClient,
} from '@secret-flows/vault-client';

/** A fresh vault-dev on port 0, a root client, and a temp dir for credential files. */
export async function startVault() {
  const rootToken = `root-${randomUUID()}`;
  const server = await startVaultDev({ port: 0, rootToken });
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootstrap-'));
  const clients: VaultClient[] = [];
  const client = (options: Parameters<typeof createVaultClient>[0]) => {
    const c = createVaultClient(options);
    clients.push(c);
    return c;
  };
  const root = client({ address: server.address, auth: tokenAuth(rootToken) });
  return {
    server,
    rootToken,
    root,
    outDir,
    client,
    /** A client whose token carries exactly `policies` (+ default). */
    async withPolicies(...policies: string[]): Promise<VaultClient> {
      const auth = await root.auth.token.create({
        policies,
        ttl: '10m',
        noParent: true,
      });
      return root.withToken(auth.clientToken);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.stop().catch(() => undefined)));
      await server.stop();
      fs.rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export type TestVault = Awaited<ReturnType<typeof startVault>>;

/** Verifies a Vault identity token against the published JWKS, by kid. */
export function verifyWithJwks(
  token: string,
  jwks: JsonWebKeySet,
  audience: string,
): jwt.JwtPayload {
  const header = jwt.decode(token, { complete: true })?.header;
  const jwk = jwks.keys.find((k) => k.kid === header?.kid);
  if (!jwk) throw new Error(`no JWK for kid ${String(header?.kid)}`);
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return jwt.verify(token, key, {
    audience,
    algorithms: [jwk.alg as jwt.Algorithm],
  }) as jwt.JwtPayload;
}

/** Resolves to 'allowed' or the HTTP status Vault refused with. */
export async function attempt(
  call: () => Promise<unknown>,
): Promise<'allowed' | number> {
  try {
    await call();
    return 'allowed';
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) throw error;
    return status;
  }
}

/** Creates a tenant the way phase 4 provisioning does: entity with tenant_id, userpass user, alias. */
export async function createTenant(
  admin: VaultClient,
  tenantId: string,
  password: string,
) {
  const userpassAccessor = (await admin.sys.authAccessor('userpass')) as string;
  const { id } = await admin.identity.createEntity({
    name: `tenant-${tenantId}`,
    metadata: { tenant_id: tenantId },
  });
  await admin.auth
    .userpass()
    .writeUser(tenantId, { password, tokenPolicies: ['tenant-login'] });
  await admin.identity.createEntityAlias({
    name: tenantId,
    canonicalId: id,
    mountAccessor: userpassAccessor,
  });
  return { entityId: id };
}
