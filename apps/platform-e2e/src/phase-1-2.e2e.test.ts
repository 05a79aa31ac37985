import { runDemo, platformInfo, type Platform } from '@secret-flows/cli';
import { http, processEnv, startTestPlatform } from './support/platform';

describe.each([1, 2] as const)(
  'phase %i: agent with in-process wallet-core against Vault',
  (phase) => {
    let platform: Platform;

    beforeAll(async () => {
      platform = await startTestPlatform(phase);
    });
    afterAll(async () => {
      await platform?.stop();
    });

    it('runs the demo flow through the gateway: key, signature verified locally, secret round trip', async () => {
      const steps = await runDemo(platformInfo(platform));
      expect(steps.map((s) => s.ok)).not.toContain(false);
      const names = steps.map((s) => s.step).join('\n');
      expect(names).toMatch(/verify the signature locally/);
      expect(names).toMatch(/read it back/);
    });

    it('answers a request without an API key with APISIX 401 body', async () => {
      const res = await http(`${platform.urls.gateway}/cloud-agent/keys`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Missing API key in request' });
    });

    it('answers a wrong API key with APISIX 401 body', async () => {
      const res = await http(`${platform.urls.gateway}/cloud-agent/keys`, {
        headers: { apikey: 'not-the-key' },
      });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ message: 'Invalid API key in request' });
    });

    it('keeps the agent metrics off the gateway', async () => {
      const res = await http(
        `${platform.urls.gateway}/cloud-agent/_system/metrics`,
        { headers: { apikey: platform.apiKey } },
      );
      expect(res.status).toBe(403);
    });

    it(`gives the agent the phase ${phase} Vault credential and nothing more`, () => {
      const env = processEnv(platform.processes.agent?.pid);
      expect(env['AGENT_SECRET_BACKEND']).toBe('vault');
      if (phase === 1) {
        expect(env['VAULT_TOKEN_FILE']).toBeDefined();
        expect(env['VAULT_APPROLE_ROLE_ID_FILE']).toBeUndefined();
      } else {
        expect(env['VAULT_APPROLE_SECRET_ID_FILE']).toBeDefined();
        expect(env['VAULT_TOKEN']).toBeUndefined();
        expect(env['VAULT_TOKEN_FILE']).toBeUndefined();
      }
    });
  },
);
