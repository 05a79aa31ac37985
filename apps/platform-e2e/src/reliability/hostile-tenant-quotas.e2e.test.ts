import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { agentCall, tenantJwt } from './support/faults';

// Attack 5 of the hostile-tenant review: one tenant stored 9,960 secrets and 64 KiB values, and
// deleting it took 20-60 s. Quotas are configurable (WALLET_QUOTA_*; defaults in
// docs/configuration.md); small ones here keep the test short. Loopback only, bounded.
const SECRETS = 25;

describe('attack 5: storing without limit (phase 4, per-tenant quotas)', () => {
  let platform: Platform;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    platform = await startTestPlatform(4, {
      env: {
        wallet: {
          WALLET_QUOTA_SECRETS: String(SECRETS),
          WALLET_QUOTA_KEYS: '3',
          WALLET_QUOTA_VALUE_BYTES: '1024',
          WALLET_QUOTA_TOTAL_BYTES: '20000',
        },
      },
    });
    [alice, bob] = [await tenantJwt(platform, 0), await tenantJwt(platform, 1)];
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('answers 4xx problem JSON naming the quota, for this tenant only', async () => {
    for (let i = 0; i < SECRETS; i++) {
      expect(
        (
          await agentCall(platform, alice, {
            method: 'PUT',
            path: `/secrets/s${i}`,
            body: { value: 'v' },
          })
        ).status,
      ).toBe(200);
    }
    const over = await agentCall(platform, alice, {
      method: 'PUT',
      path: '/secrets/one-more',
      body: { value: 'v' },
    });
    expect(over.status).toBe(403);
    expect(over.contentType).toMatch(/application\/problem\+json/);
    expect(over.body).toMatchObject({
      code: 'quota_secrets_exceeded',
      status: 403,
    });
    // A new version of an existing secret is not a new secret.
    expect(
      (
        await agentCall(platform, alice, {
          method: 'PUT',
          path: '/secrets/s0',
          body: { value: 'w' },
        })
      ).status,
    ).toBe(200);

    const big = await agentCall(platform, bob, {
      method: 'PUT',
      path: '/secrets/big',
      body: { value: 'x'.repeat(2048) },
    });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'quota_value_bytes_exceeded' });
    expect(
      (
        await agentCall(platform, bob, {
          method: 'PUT',
          path: '/secrets/fits',
          body: { value: 'x'.repeat(1000) },
        })
      ).status,
    ).toBe(200);

    for (let i = 0; i < 3; i++)
      expect(
        (
          await agentCall(platform, bob, {
            method: 'POST',
            path: '/keys',
            body: { type: 'Ed25519' },
          })
        ).status,
      ).toBe(201);
    const key = await agentCall(platform, bob, {
      method: 'POST',
      path: '/keys',
      body: { type: 'Ed25519' },
    });
    expect(key.body).toMatchObject({
      code: 'quota_keys_exceeded',
      status: 403,
    });
  });

  it('deletes a tenant at its quota within the request (ADR 0009)', async () => {
    const res = await fetch(
      `${platform.urls.agent}/wallets/${platform.tenants[0].id}`,
      {
        method: 'DELETE',
        headers: { 'x-admin-api-key': platform.adminApiKey },
        signal: AbortSignal.timeout(15_000),
      },
    );
    expect(res.status).toBe(204);
    expect(
      (await agentCall(platform, alice, { path: '/secrets/s0' })).status,
    ).toBe(401);
    expect(
      (await agentCall(platform, bob, { path: '/secrets/fits' })).status,
    ).toBe(200);
  });
});
