import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { tenantJwt } from './support/faults';

describe('a deleted tenant (phase 4)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(4, {
      env: { gateway: { GATEWAY_RATE_LIMIT_COUNT: '100000' } },
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('refuses the tenant JWT it held before deletion with 401, through the gateway and at the agent', async () => {
    const [alice, bob] = [platform.tenants[0], platform.tenants[1]];
    const jwt = await tenantJwt(platform, 0);
    const call = (base: string, token: string) =>
      fetch(`${base}/secrets`, {
        headers: { apikey: platform.apiKey, authorization: `Bearer ${token}` },
      });
    expect(
      (await call(`${platform.urls.gateway}/cloud-agent`, jwt)).status,
    ).toBe(200);

    const deleted = await fetch(
      `${platform.urls.gateway}/cloud-agent/wallets/${alice.id}`,
      {
        method: 'DELETE',
        headers: {
          apikey: platform.apiKey,
          'x-admin-api-key': platform.adminApiKey,
        },
      },
    );
    expect(deleted.status).toBe(204);

    for (const base of [
      `${platform.urls.gateway}/cloud-agent`,
      platform.urls.agent,
    ]) {
      const res = await call(base, jwt);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(
        /application\/problem\+json/,
      );
      expect(await res.json()).toMatchObject({
        status: 401,
        code: 'unauthorized',
      });
    }
    // The other tenant is untouched.
    expect(
      (
        await call(
          `${platform.urls.gateway}/cloud-agent`,
          await tenantJwt(platform, 1),
        )
      ).status,
    ).toBe(200);
    expect(bob.id).not.toBe(alice.id);
  });
});
