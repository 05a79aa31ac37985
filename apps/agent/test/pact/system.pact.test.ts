import { MatchersV3 } from '@pact-foundation/pact';
import type { Telemetry } from '@secret-flows/telemetry';
import { backendFor, createWalletPact, startTracing } from './wallet-pact';

const { like } = MatchersV3;

describe('agent -> wallet: readiness', () => {
  const pact = createWalletPact();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTracing();
  });
  afterAll(() => telemetry.shutdown());

  it("reports ready when the wallet's readiness says ready", async () => {
    pact
      .given('the wallet is ready')
      .uponReceiving('a readiness probe')
      .withRequest({ method: 'GET', path: '/_system/ready' })
      .willRespondWith({
        status: 200,
        body: { status: 'ready', checks: like({ vault: { ok: true } }) },
      });
    await pact.executeTest(async (mock) => {
      expect(await backendFor(mock.url).readiness()).toEqual({
        wallet: { ok: true },
      });
    });
  });
});
