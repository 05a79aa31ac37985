import { randomBytes } from 'node:crypto';
import { base58btcDecode, base58btcEncode } from './base58';

describe('base58btc', () => {
  // Vectors from draft-msporny-base58 §5.
  it.each([
    ['Hello World!', '2NEpo7TZRRrLZSi2U'],
    [
      'The quick brown fox jumps over the lazy dog.',
      'USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z',
    ],
  ])('encodes %j as the published vector', (text, expected) => {
    expect(base58btcEncode(Buffer.from(text))).toBe(expected);
    expect(Buffer.from(base58btcDecode(expected)).toString()).toBe(text);
  });

  it('keeps leading zero bytes as leading ones', () => {
    expect(
      base58btcEncode(Uint8Array.from([0, 0, 0x28, 0x7f, 0xb4, 0xcd])),
    ).toBe('11233QC4');
    expect(Array.from(base58btcDecode('11233QC4'))).toEqual([
      0, 0, 0x28, 0x7f, 0xb4, 0xcd,
    ]);
  });

  it('round-trips random byte strings', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(i);
      if (i % 7 === 0 && bytes.length > 0) bytes[0] = 0;
      expect(Buffer.from(base58btcDecode(base58btcEncode(bytes)))).toEqual(
        bytes,
      );
    }
  });

  it('rejects characters outside the alphabet', () => {
    expect(() => base58btcDecode('0OIl')).toThrow(/invalid base58btc/);
  });
});
