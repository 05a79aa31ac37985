import { runDemo, platformInfo, type Platform } from '@secret-flows/cli';
import { startTestPlatform } from './support/platform';

describe('phase 4: two tenants, isolation enforced by Vault', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(4);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('creates two demo tenants through the admin API, each with a login shown once', () => {
    expect(platform.tenants).toHaveLength(2);
    for (const t of platform.tenants) {
      expect(t.username).toEqual(expect.any(String));
      expect(t.password).toEqual(expect.any(String));
    }
  });

  it("runs both tenants' flows and refuses a cross-tenant read with 404", async () => {
    const steps = await runDemo(platformInfo(platform));
    expect(steps.map((s) => s.ok)).not.toContain(false);
    expect(steps.some((s) => /try to read .*'s key/.test(s.step))).toBe(true);
  });
});
