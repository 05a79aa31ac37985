import { parseJsonLossless, stringifyJsonLossless } from './lossless-json';

describe('lossless JSON numbers', () => {
  it.each([
    '{"n":12345678901234567890}',
    '{"a":[-98765432109876543210,0.12345678901234567890123]}',
    '{"x":{"y":1234567890123456789e5}}',
  ])('round-trips %s exactly', (text) => {
    expect(stringifyJsonLossless(parseJsonLossless(text))).toBe(text);
  });

  it('parses ordinary documents exactly like JSON.parse', () => {
    const text =
      '{"s":"a\\"b\\u00e9","n":-1.5e3,"b":true,"z":null,"l":[1,{"k":[]}],"big":12345678901234567}';
    const parsed = parseJsonLossless(text) as Record<string, unknown>;
    expect({ ...parsed, big: undefined }).toEqual({
      ...JSON.parse(text),
      big: undefined,
    });
  });

  it.each([
    '{"a":1,}',
    '{"a" 1}',
    '[1 2]',
    '{"a":12345678901234567',
    '"\u0001"',
  ])('rejects malformed %j with a SyntaxError', (text) => {
    expect(() => parseJsonLossless(`${text} 12345678901234567`)).toThrow(
      SyntaxError,
    );
  });
});
