import { calculateTtl } from './token-ttl';

const base = {
  nowMs: 0,
  issueMs: 0,
  incrementSeconds: 0,
  backendTtlSeconds: 0,
  backendMaxSeconds: 0,
  explicitMaxSeconds: 0,
  periodSeconds: 0,
  mountDefaultSeconds: 2764800,
  mountMaxSeconds: 2764800,
};

describe('CalculateTTL', () => {
  it('uses the increment, else the backend TTL, else the mount default', () => {
    expect(
      calculateTtl({ ...base, incrementSeconds: 60, backendTtlSeconds: 120 })
        .ttlSeconds,
    ).toBe(60);
    expect(calculateTtl({ ...base, backendTtlSeconds: 120 }).ttlSeconds).toBe(
      120,
    );
    expect(calculateTtl(base).ttlSeconds).toBe(2764800);
  });

  it('caps at issue time + the smallest max with the documented warning', () => {
    const r = calculateTtl({
      ...base,
      nowMs: 20_000,
      incrementSeconds: 7200,
      backendMaxSeconds: 3600,
      explicitMaxSeconds: 7200,
    });
    expect(r.ttlSeconds).toBe(3580);
    expect(r.warnings).toEqual([
      'TTL of "2h" exceeded the effective max_ttl of "59m40s"; TTL value is capped accordingly',
    ]);
  });

  it('renews periodic tokens to their period regardless of the increment', () => {
    expect(
      calculateTtl({ ...base, periodSeconds: 600, incrementSeconds: 99999 })
        .ttlSeconds,
    ).toBe(600);
  });

  it('refuses to renew past the max TTL', () => {
    expect(() =>
      calculateTtl({ ...base, nowMs: 3_600_000, backendMaxSeconds: 3600 }),
    ).toThrow('past the max TTL');
  });
});
