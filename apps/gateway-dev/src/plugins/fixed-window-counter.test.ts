import { createFixedWindowCounter } from './fixed-window-counter';

describe('fixed-window counter (limit-count, local policy)', () => {
  it('allows the limit within a window, then rejects until the window restarts', () => {
    let nowMs = 0;
    const counter = createFixedWindowCounter({ limit: 2, windowSeconds: 10, now: () => nowMs });
    expect(counter.count('k')).toEqual({ isAllowed: true, remaining: 1, resetSeconds: 10 });
    nowMs = 4_500;
    expect(counter.count('k')).toEqual({ isAllowed: true, remaining: 0, resetSeconds: 6 });
    expect(counter.count('k')).toEqual({ isAllowed: false, remaining: 0, resetSeconds: 6 });
    nowMs = 10_000;
    expect(counter.count('k')).toEqual({ isAllowed: true, remaining: 1, resetSeconds: 10 });
  });

  it('counts each key on its own', () => {
    const counter = createFixedWindowCounter({ limit: 1, windowSeconds: 60, now: () => 0 });
    expect(counter.count('alice').isAllowed).toBe(true);
    expect(counter.count('alice').isAllowed).toBe(false);
    expect(counter.count('bob').isAllowed).toBe(true);
  });

  it('forgets expired windows once many keys are tracked, so memory stays bounded', () => {
    let nowMs = 0;
    const counter = createFixedWindowCounter({ limit: 1, windowSeconds: 1, now: () => nowMs });
    for (let index = 0; index < 10_000; index += 1) counter.count(`key-${index}`);
    nowMs = 2_000;
    counter.count('fresh');
    expect(counter.size()).toBe(1);
  });
});
