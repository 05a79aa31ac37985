import { Registry } from 'prom-client';
import { registerCredentialGauges } from './credential-gauges';

describe('registerCredentialGauges', () => {
  it('reports logins, token TTL and JWKS fetches as read at scrape time', async () => {
    const registry = new Registry();
    let logins = 1;
    registerCredentialGauges(registry, {
      vaultStatus: () => ({
        authenticated: true,
        expiresAt: 1_000_000 + 90_500,
        logins,
      }),
      jwksStats: () => ({ jwksFetches: 2 }),
      now: () => 1_000_000,
    });
    logins = 3;
    const text = await registry.metrics();
    expect(text).toMatch(/^vault_client_logins 3$/m);
    expect(text).toMatch(/^vault_token_ttl_seconds 90$/m);
    expect(text).toMatch(/^tenant_jwks_fetches 2$/m);
  });

  it('reports a zero TTL while the wallet holds no token', async () => {
    const registry = new Registry();
    registerCredentialGauges(registry, {
      vaultStatus: () => ({ authenticated: false }),
      jwksStats: () => ({ jwksFetches: 0 }),
    });
    expect(await registry.metrics()).toMatch(/^vault_token_ttl_seconds 0$/m);
  });
});
