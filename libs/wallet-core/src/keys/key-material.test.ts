import { createPublicKey, verify } from 'node:crypto';
import { base58btcDecode } from '../base58';
import {
  algorithmOf,
  didKeyFromPublicJwk,
  generateKeyMaterial,
  KEY_TYPES,
  signWithJwk,
  type KeyType,
  type PublicJwk,
} from './key-material';

const SECP256K1_HALF_N =
  BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141') /
  2n;

function verifies(
  type: KeyType,
  publicJwk: PublicJwk,
  payload: Buffer,
  signature: Buffer,
): boolean {
  const key = createPublicKey({ key: { ...publicJwk }, format: 'jwk' });
  if (type === 'Ed25519') return verify(null, payload, key, signature);
  return verify(
    'sha256',
    payload,
    { key, dsaEncoding: 'ieee-p1363' },
    signature,
  );
}

describe('key material', () => {
  it.each([
    ['Ed25519', 'EdDSA', 'OKP', 64],
    ['secp256k1', 'ES256K', 'EC', 64],
    ['P-256', 'ES256', 'EC', 64],
  ] as const)(
    'generates %s keys whose %s signatures verify against the public JWK',
    (type, alg, kty, length) => {
      const { privateJwk, publicJwk } = generateKeyMaterial(type);
      const payload = Buffer.from('payload to sign');
      const signature = signWithJwk(type, privateJwk, payload);

      expect(algorithmOf(type)).toBe(alg);
      expect(publicJwk.kty).toBe(kty);
      expect(publicJwk).not.toHaveProperty('d');
      expect(signature).toHaveLength(length);
      expect(verifies(type, publicJwk, payload, signature)).toBe(true);
      expect(
        verifies(type, publicJwk, Buffer.from('another payload'), signature),
      ).toBe(false);
    },
  );

  it('normalises secp256k1 signatures to low S', () => {
    const { privateJwk, publicJwk } = generateKeyMaterial('secp256k1');
    for (let i = 0; i < 40; i++) {
      const payload = Buffer.from(`message ${i}`);
      const signature = signWithJwk('secp256k1', privateJwk, payload);
      expect(
        BigInt(`0x${signature.subarray(32).toString('hex')}`) <=
          SECP256K1_HALF_N,
      ).toBe(true);
      expect(verifies('secp256k1', publicJwk, payload, signature)).toBe(true);
    }
  });
});

describe('didKeyFromPublicJwk', () => {
  it('matches the did:key specification example for Ed25519', () => {
    // did:key spec example: publicKeyBase58 B12NYF8RrR3h41TDCTJojY59usg3mbtbjnFs7Eud1Y6u.
    const x = Buffer.from(
      base58btcDecode('B12NYF8RrR3h41TDCTJojY59usg3mbtbjnFs7Eud1Y6u'),
    ).toString('base64url');
    expect(
      didKeyFromPublicJwk('Ed25519', { kty: 'OKP', crv: 'Ed25519', x }),
    ).toBe('did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH');
  });

  it.each([
    ['Ed25519', 'did:key:z6Mk', [0xed, 0x01], 32],
    ['secp256k1', 'did:key:zQ3s', [0xe7, 0x01], 33],
    ['P-256', 'did:key:zDn', [0x80, 0x24], 33],
  ] as const)(
    'encodes a %s key with its multicodec prefix (%s...)',
    (type, prefix, codec, keyLength) => {
      const { publicJwk } = generateKeyMaterial(type);
      const did = didKeyFromPublicJwk(type, publicJwk);
      expect(did.startsWith(prefix)).toBe(true);

      const bytes = Buffer.from(base58btcDecode(did.slice('did:key:z'.length)));
      expect([...bytes.subarray(0, 2)]).toEqual(codec);
      expect(bytes.length - 2).toBe(keyLength);
      expect(bytes.subarray(-32).toString('base64url')).toBe(publicJwk.x);
    },
  );

  it.each(['secp256k1', 'P-256'] as const)(
    'encodes the parity of y in the compressed %s point',
    (type) => {
      for (let i = 0; i < 8; i++) {
        const { publicJwk } = generateKeyMaterial(type);
        const bytes = Buffer.from(
          base58btcDecode(
            didKeyFromPublicJwk(type, publicJwk).slice('did:key:z'.length),
          ),
        );
        const yIsOdd =
          (Buffer.from(publicJwk.y ?? '', 'base64url').at(-1) ?? 0) & 1;
        expect(bytes[2]).toBe(yIsOdd ? 0x03 : 0x02);
      }
    },
  );

  it('covers every key type', () => {
    expect([...KEY_TYPES].sort()).toEqual(['Ed25519', 'P-256', 'secp256k1']);
  });
});
