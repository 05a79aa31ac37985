import { createFixedWindowCounter } from './fixed-window-counter';

describe('fixed-window counter (limit-count, local policy)', () => {
  it('allows the limit within a window, then rejects until the window restarts', () => {
    let nowMs = 0;
    const counter = createFixedWindowCounter({
      limit: 2,
      windowSeconds: 10,
      now: () => nowMs,
    });
    expect(counter.count('k')).toEqual({
      isAllowed: true,
      remaining: 1,
      resetSeconds: 10,
    });
    // limit-count-local.lua read_reset (end - now), floored to hundredths by limit-count/init.lua.
    nowMs = 4_500;
    expect(counter.count('k')).toEqual({
      isAllowed: true,
      remaining: 0,
      resetSeconds: 5.5,
    });
    nowMs = 4_503;
    expect(counter.count('k')).toEqual({
      isAllowed: false,
      remaining: 0,
      resetSeconds: 5.49,
    });
    nowMs = 10_000;
    expect(counter.count('k')).toEqual({
      isAllowed: true,
      remaining: 1,
      resetSeconds: 10,
    });
  });

  it('counts each key on its own', () => {
    const counter = createFixedWindowCounter({
      limit: 1,
      windowSeconds: 60,
      now: () => 0,
    });
    expect(counter.count('alice').isAllowed).toBe(true);
    expect(counter.count('alice').isAllowed).toBe(false);
    expect(counter.count('bob').isAllowed).toBe(true);
  });

  it('forgets expired windows once many keys are tracked, so memory stays bounded', () => {
    let nowMs = 0;
    const counter = createFixedWindowCounter({
      limit: 1,
      windowSeconds: 1,
      now: () => nowMs,
    });
    for (let index = 0; index < 10_000; index += 1)
      counter.count(`key-${index}`);
    nowMs = 2_000;
    counter.count('fresh');
    expect(counter.size()).toBe(1);
  });

  it('keeps at most maxKeys live windows, dropping the oldest, however many keys arrive in one window', () => {
    const counter = createFixedWindowCounter({
      limit: 1,
      windowSeconds: 60,
      now: () => 0,
      maxKeys: 100,
    });
    for (let index = 0; index < 1_000; index += 1)
      counter.count(`token-${index}`);
    expect(counter.size()).toBe(100);
    expect(counter.count('token-999').isAllowed).toBe(false);
    expect(counter.count('token-0').isAllowed).toBe(true);
  });
});
