import { percentile, runLoop } from './load';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('runLoop', () => {
  it('counts completed calls and failures separately for the given time', async () => {
    let n = 0;
    const result = await runLoop(
      async () => {
        n++;
        await new Promise((r) => setImmediate(r));
        if (n % 4 === 0) throw new Error('refused');
      },
      2,
      1,
    );
    expect(result.requests + result.errors).toBe(n);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.requests).toBeGreaterThan(result.errors);
    expect(result.requestsPerSecond).toBe(result.requests);
  });
});
