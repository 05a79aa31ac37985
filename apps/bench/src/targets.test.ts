import type { Measurement } from './load';
import type { ScenarioResult } from './results';
import { evaluateTargets, ratio } from './targets';

const m = (requestsPerSecond: number, p99Ms: number): Measurement => ({
  requestsPerSecond,
  p50Ms: 1,
  p99Ms,
  requests: requestsPerSecond * 10,
  non2xx: 0,
  errors: 0,
});
const scenario = (
  id: ScenarioResult['id'],
  measurement?: Measurement,
  extra: Partial<ScenarioResult> = {},
): ScenarioResult => ({
  id,
  label: id,
  measurement,
  cpuMsPerRequest: {},
  memory: {},
  counts: {},
  ...extra,
});

describe('benchmark targets', () => {
  const results = [
    scenario('a', m(3000, 10)),
    scenario('bare', m(10000, 2)),
    scenario('e', m(1000, 40)),
    scenario('c', m(600, 70), {
      counts: {
        vault: { vaultLogins: 1 },
        agent: { jwksFetches: 1 },
        wallet: { jwksFetches: 2 },
      },
      memory: { agent: { rssMb: 130, peakRssMb: 140 } },
    }),
    scenario('d', undefined, { skipped: 'did not start' }),
  ];
  const verdicts = Object.fromEntries(
    evaluateTargets(results).map((c) => [c.target, c]),
  );

  it('divides throughputs by the ideal chain and by the bare floor', () => {
    expect(ratio(results, 'c', 'e')).toBeCloseTo(0.6);
    expect(ratio(results, 'a', 'bare')).toBeCloseTo(0.3);
    expect(ratio(results, 'd', 'e')).toBeUndefined();
  });

  it('meets the throughput and p99 targets only within their bounds', () => {
    expect(verdicts['(c)/(e) throughput >= 0.5']).toMatchObject({
      measured: '0.6',
      isMet: true,
    });
    expect(verdicts['p99 (c) <= 2x p99 (e)']).toMatchObject({
      measured: '1.75x',
      isMet: true,
    });
    expect(verdicts['vault-dev KV read >= 0.25x bare node:http']).toMatchObject(
      { isMet: true },
    );
  });

  it('cannot judge a skipped scenario, rather than passing or failing it', () => {
    expect(verdicts['(d)/(e) throughput >= 0.5']).toMatchObject({
      measured: 'not measured',
      isMet: undefined,
    });
  });

  it('wants exactly one login and one JWKS fetch, and less than 120 MB RSS', () => {
    expect(
      verdicts['one AppRole login for the whole run, phase 3 (wallet)'].isMet,
    ).toBe(true);
    expect(
      verdicts['one JWKS fetch for the one key id: agent, (c)'].isMet,
    ).toBe(true);
    expect(
      verdicts['one JWKS fetch for the one key id: wallet, (c)'].isMet,
    ).toBe(false);
    expect(verdicts['agent < 120 MB RSS at the end of (c)']).toMatchObject({
      measured: '130 MB',
      isMet: false,
    });
  });
});
