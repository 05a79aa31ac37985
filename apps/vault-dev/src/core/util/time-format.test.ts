import {
  goDuration,
  humanDuration,
  parseDurationSeconds,
  rfc3339,
} from './time-format';

describe('Vault time formats', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [3600, '1h0m0s'],
    [12319, '3h25m19s'],
  ])('formats %d seconds as Go does: %s', (s, text) =>
    expect(goDuration(s)).toBe(text),
  );

  it.each([
    [7200, '2h'],
    [3580, '59m40s'],
    [5400, '1h30m'],
    [300, '5m'],
  ])('trims zero units like Vault humanDuration: %d -> %s', (s, text) =>
    expect(humanDuration(s)).toBe(text),
  );

  it.each([
    ['60s', 60],
    ['5m', 300],
    ['1h30m', 5400],
    ['768h', 2764800],
    ['2d', 172800],
    ['42', 42],
    [42, 42],
    ['', 0],
  ])('parses %j as %d seconds', (input, s) =>
    expect(parseDurationSeconds(input)).toBe(s),
  );

  it.each(['5x', 'h', '1h-', {}])('rejects %j', (input) =>
    expect(parseDurationSeconds(input)).toBeUndefined(),
  );

  it('prints RFC3339Nano with trailing zeros trimmed', () => {
    expect(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 120))).toBe(
      '2026-01-02T03:04:05.12Z',
    );
    expect(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 0))).toBe(
      '2026-01-02T03:04:05Z',
    );
  });
});
