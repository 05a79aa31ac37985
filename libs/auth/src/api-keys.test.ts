import fc from 'fast-check';
import { checkApiKey, constantTimeEqual } from './index';

describe('constantTimeEqual', () => {
  it.each([
    ['equal strings', 'secret-key', 'secret-key', true],
    ['different strings of equal length', 'secret-key', 'secret-kez', false],
    ['a prefix', 'secret', 'secret-key', false],
    ['empty strings', '', '', true],
    ['unicode that differs in normalisation', 'caf\u00e9', 'cafe\u0301', false],
  ])('compares %s', (_case, a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });

  it('agrees with === for any pair of strings', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        (a, b) => constantTimeEqual(a, b) === (a === b),
      ),
    );
  });
});

describe('checkApiKey', () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ['the configured key', 'k-123', 'k-123', true],
    ['a wrong key', 'k-124', 'k-123', false],
    ['no presented key', undefined, 'k-123', false],
    ['an empty presented key', '', 'k-123', false],
    [
      'any key when none is configured (no default key)',
      'admin',
      undefined,
      false,
    ],
    ['an empty key when the configured key is empty', '', '', false],
  ])(
    'accepts %s only when it matches',
    (_case, presented, expected, result) => {
      expect(checkApiKey(presented, expected)).toBe(result);
    },
  );
});
