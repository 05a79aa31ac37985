import { parseRetryAfter } from './wallet-errors';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it.each([
    ['delta seconds', '30', 30],
    ['an HTTP date in the future', 'Sun, 29 Nov 2026 12:00:10 GMT', 10],
    ['an HTTP date in the past', 'Sun, 29 Nov 2026 11:00:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['an absent header', undefined, undefined],
  ])('reads %s', (_what, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
