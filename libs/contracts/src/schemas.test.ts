import fc from 'fast-check';
import {
  CreateKeyRequestSchema,
  CreateWalletRequestSchema,
  MAX_SECRET_VALUE_BYTES,
  MAX_SIGN_PAYLOAD_BYTES,
  PageQuerySchema,
  PutSecretRequestSchema,
  SecretNameSchema,
  SecretVersionQuerySchema,
  SignRequestSchema,
  isValidSecretName,
} from './index';

describe('SecretNameSchema', () => {
  it.each([
    'db',
    'db/password',
    'app.prod/api-key_v2',
    'a/b/c/d',
    'x'.repeat(256),
    '.hidden',
    'v1.2',
    'a/.b',
  ])('accepts %s', (name) => {
    expect(isValidSecretName(name)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(257)],
    ['a leading slash', '/db'],
    ['a trailing slash', 'db/'],
    ['an empty segment', 'db//password'],
    ['a parent reference', 'db/../other'],
    ['a bare parent reference', '..'],
    ['a current-directory segment', 'a/./b'],
    ['a lone dot', '.'],
    ['a trailing dot segment', 'db/.'],
    ['a leading dot segment', './db'],
    ['two dots inside a segment', 'a..b'],
    ['a control character', 'db\npassword'],
    ['a NUL byte', 'db\u0000'],
    ['a space', 'db password'],
    ['a percent escape', 'db%2Fpassword'],
    ['a backslash', 'db\\password'],
    ['non-ASCII', 'café'],
  ])('rejects a name with %s', (_case, name) => {
    expect(isValidSecretName(name)).toBe(false);
  });

  it('never accepts a name with an empty segment, a "..", or a character outside the set', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        if (!SecretNameSchema.safeParse(name).success) return true;
        return (
          !name.split('/').some((s) => s === '' || s === '.') &&
          !name.includes('..') &&
          /^[A-Za-z0-9._/-]+$/.test(name)
        );
      }),
    );
  });

  it('accepts every name built from valid segments', () => {
    const segment = fc
      .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,10}$/)
      .filter((s) => !s.includes('..'));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        (segments) => isValidSecretName(segments.join('/')),
      ),
    );
  });
});

describe('PutSecretRequestSchema', () => {
  it('accepts a value with an optional non-negative integer cas', () => {
    expect(PutSecretRequestSchema.parse({ value: 's3cr3t', cas: 0 })).toEqual({
      value: 's3cr3t',
      cas: 0,
    });
    expect(PutSecretRequestSchema.parse({ value: '' })).toEqual({ value: '' });
  });

  it.each([
    ['a missing value', {}],
    ['a non-string value', { value: 42 }],
    ['a negative cas', { value: 'x', cas: -1 }],
    ['a fractional cas', { value: 'x', cas: 1.5 }],
    ['an unknown field', { value: 'x', ttl: 5 }],
  ])('rejects %s', (_case, body) => {
    expect(PutSecretRequestSchema.safeParse(body).success).toBe(false);
  });

  it('bounds the value in UTF-8 bytes, not characters', () => {
    expect(
      PutSecretRequestSchema.safeParse({
        value: 'a'.repeat(MAX_SECRET_VALUE_BYTES),
      }).success,
    ).toBe(true);
    expect(
      PutSecretRequestSchema.safeParse({
        value: 'a'.repeat(MAX_SECRET_VALUE_BYTES + 1),
      }).success,
    ).toBe(false);
    expect(
      PutSecretRequestSchema.safeParse({
        value: '€'.repeat(MAX_SECRET_VALUE_BYTES / 2),
      }).success,
    ).toBe(false);
  });
});

describe('SignRequestSchema', () => {
  it('accepts base64url payloads up to the size bound', () => {
    const max = Buffer.alloc(MAX_SIGN_PAYLOAD_BYTES, 7).toString('base64url');
    expect(SignRequestSchema.safeParse({ payload: max }).success).toBe(true);
    const over = Buffer.alloc(MAX_SIGN_PAYLOAD_BYTES + 3, 7).toString(
      'base64url',
    );
    expect(SignRequestSchema.safeParse({ payload: over }).success).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['padded', 'aGVsbG8='],
    ['standard base64', 'a+b/'],
    ['an impossible length', 'abcde'],
  ])('rejects a payload that is %s', (_case, payload) => {
    expect(SignRequestSchema.safeParse({ payload }).success).toBe(false);
  });
});

describe('request schemas', () => {
  it.each(['Ed25519', 'secp256k1', 'P-256'])('accepts key type %s', (type) => {
    expect(CreateKeyRequestSchema.parse({ type })).toEqual({ type });
  });

  it('rejects an unknown key type', () => {
    expect(CreateKeyRequestSchema.safeParse({ type: 'RSA' }).success).toBe(
      false,
    );
  });

  it('validates wallet creation like Identus: name 1-128, 128-hex seed, uuid id', () => {
    const seed = 'ab'.repeat(64);
    expect(
      CreateWalletRequestSchema.safeParse({
        name: 'acme',
        seed,
        id: '6f1c2b8e-3d4a-4b5c-9d8e-7f6a5b4c3d2e',
      }).success,
    ).toBe(true);
    expect(CreateWalletRequestSchema.safeParse({ name: '' }).success).toBe(
      false,
    );
    expect(
      CreateWalletRequestSchema.safeParse({ name: 'x'.repeat(129) }).success,
    ).toBe(false);
    expect(
      CreateWalletRequestSchema.safeParse({ name: 'a', seed: 'ab'.repeat(32) })
        .success,
    ).toBe(false);
    expect(
      CreateWalletRequestSchema.safeParse({ name: 'a', id: 'not-a-uuid' })
        .success,
    ).toBe(false);
  });

  it('parses page queries from query strings with Identus defaults and bounds', () => {
    expect(PageQuerySchema.parse({})).toEqual({ offset: 0, limit: 100 });
    expect(PageQuerySchema.parse({ offset: '20', limit: '10' })).toEqual({
      offset: 20,
      limit: 10,
    });
    expect(PageQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(PageQuerySchema.safeParse({ offset: '-1' }).success).toBe(false);
  });

  it('parses ?version=N as a positive integer', () => {
    expect(SecretVersionQuerySchema.parse({ version: '3' })).toEqual({
      version: 3,
    });
    expect(SecretVersionQuerySchema.parse({})).toEqual({});
    expect(SecretVersionQuerySchema.safeParse({ version: '0' }).success).toBe(
      false,
    );
    expect(
      SecretVersionQuerySchema.safeParse({ version: 'latest' }).success,
    ).toBe(false);
  });
});
