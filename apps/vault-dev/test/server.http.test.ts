/**
 * The in-process server API: traceparent recording, clean stop, unknown-field warnings.
 */
import { request, startTestVault, type TestVault } from './support/vault-http';

describe('vault-dev server', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault({ traceparentRingSize: 3 });
  });
  afterAll(() => vault.server.stop());

  it('records the incoming traceparent headers in a bounded ring, oldest first', async () => {
    const ids = ['01', '02', '03', '04'].map(
      (n) => `00-${n.repeat(16)}-${n.repeat(8)}-01`,
    );
    for (const tp of ids)
      await vault.call('GET', '/v1/sys/health', {
        headers: { traceparent: tp },
      });
    expect(vault.server.recentTraceparents()).toEqual(ids.slice(1));
  });

  it('[#21] warns about body fields the endpoint does not know', async () => {
    const res = await vault.root$('POST', '/v1/secret/data/warned', {
      data: { a: 1 },
      zeta: 1,
      alpha: 2,
    });
    expect(res.status).toBe(200);
    expect(res.json.warnings).toEqual([
      'Endpoint ignored these unrecognized parameters: [alpha zeta]',
    ]);
  });

  it('binds loopback by default', () => {
    expect(vault.server.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('vault-dev stop', () => {
  it('stops listening and closes kept-alive connections', async () => {
    const vault = await startTestVault();
    const address = vault.server.address;
    expect((await request(address, 'GET', '/v1/sys/health')).status).toBe(200);
    await vault.server.stop();
    await expect(request(address, 'GET', '/v1/sys/health')).rejects.toThrow();
  });
});
