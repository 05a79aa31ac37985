import { createVaultClient, tokenAuth } from '@secret-flows/vault-client';
import { randomSecret, type Phase } from './layout';

export interface DemoTenant {
  id: string;
  /** The wallet name given at onboarding (phase 4), for people reading the demo. */
  name?: string;
  username?: string;
  password?: string;
}

export interface DemoTenantOptions {
  phase: Phase;
  gatewayUrl: string;
  vaultUrl: string;
  vaultRootToken: string;
  apiKey: string;
  adminApiKey: string;
  userpassAccessor?: string;
}

export const PHASE3_USERNAME = 'demo';
const PHASE4_TENANTS = ['alice', 'bob'];

/**
 * The demo tenants `npm start` prints: `default` without a login (phases 1-2), `default` with a
 * userpass login (phase 3, the single tenant), two tenants created through the agent's admin API
 * (phase 4, which is how an operator onboards a tenant).
 */
export async function createDemoTenants(
  options: DemoTenantOptions,
): Promise<DemoTenant[]> {
  if (options.phase <= 2) return [{ id: 'default' }];
  if (options.phase === 3) return [await createPhase3Tenant(options)];
  const tenants: DemoTenant[] = [];
  for (const name of PHASE4_TENANTS)
    tenants.push(await createWallet(options, name));
  return tenants;
}

/** Phase 3 has one tenant, `default`, whose login Vault binds to an entity with `tenant_id`. */
async function createPhase3Tenant(
  options: DemoTenantOptions,
): Promise<DemoTenant> {
  if (!options.userpassAccessor)
    throw new Error(
      'phase 3 needs the userpass mount accessor from the bootstrap',
    );
  const vault = createVaultClient({
    address: options.vaultUrl,
    auth: tokenAuth(options.vaultRootToken),
  });
  try {
    const password = randomSecret(18);
    const entity = await vault.identity.createEntity({
      name: 'tenant-default',
      metadata: { tenant_id: 'default' },
    });
    await vault.auth.userpass().writeUser(PHASE3_USERNAME, {
      password,
      tokenPolicies: ['tenant-login'],
      tokenTtl: 3600,
    });
    const existing = await vault.identity.lookupEntity({
      aliasName: PHASE3_USERNAME,
      aliasMountAccessor: options.userpassAccessor,
    });
    if (!existing) {
      await vault.identity.createEntityAlias({
        name: PHASE3_USERNAME,
        canonicalId: entity.id,
        mountAccessor: options.userpassAccessor,
      });
    }
    return { id: 'default', username: PHASE3_USERNAME, password };
  } finally {
    await vault.stop();
  }
}

async function createWallet(
  options: DemoTenantOptions,
  name: string,
): Promise<DemoTenant> {
  const res = await fetch(`${options.gatewayUrl}/cloud-agent/wallets`, {
    method: 'POST',
    headers: {
      apikey: options.apiKey,
      'x-admin-api-key': options.adminApiKey,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name }),
  });
  const body = (await res.json()) as {
    id?: string;
    login?: { username: string; password: string };
    detail?: string;
  };
  if (res.status !== 201 || !body.id || !body.login) {
    throw new Error(
      `creating demo tenant ${name} failed: HTTP ${res.status} ${body.detail ?? ''}`.trim(),
    );
  }
  return {
    id: body.id,
    name,
    username: body.login.username,
    password: body.login.password,
  };
}
