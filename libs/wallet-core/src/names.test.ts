import { parseKeyId, parseSecretName, parseTenantId } from './names';

describe('parseTenantId', () => {
  it.each([
    'default',
    'acme',
    'Tenant_1',
    '0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10',
    'acme.eu',
    'a'.repeat(128),
  ])('accepts %j', (id) =>
    expect(parseTenantId(id)).toEqual({ ok: true, value: id }),
  );

  it.each([
    ['an empty string', ''],
    ['a non-string', 42],
    ['a dot-dot', '..'],
    ['a path', 'a/b'],
    ['a leading dash', '-a'],
    ['a leading dot', '.a'],
    ['a control character', 'a\u0000'],
    ['a percent escape', 'a%2Fb'],
    ['a unicode look-alike', 'аcme'],
    ['129 characters', 'a'.repeat(129)],
  ])('refuses %s', (_label, id) => {
    expect(parseTenantId(id).ok).toBe(false);
  });
});

describe('parseSecretName', () => {
  it.each([
    'db-password',
    'link-secret/1',
    'credential-definitions/2b8f3a1c',
    'a.b',
    'A_Z-0.9',
    'a'.repeat(255),
  ])('accepts %j', (name) =>
    expect(parseSecretName(name)).toEqual({ ok: true, value: name }),
  );

  it.each([
    ['an empty name', ''],
    ['a leading slash', '/a'],
    ['a trailing slash', 'a/'],
    ['an empty segment', 'a//b'],
    ['a dot-dot segment', 'a/../b'],
    ['a lone dot-dot', '..'],
    ['a dot segment', './a'],
    ['a NUL byte', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a space', 'a b'],
    ['a percent escape', 'a%2Fb'],
    ['a backslash', 'a\\b'],
    ['a glob', 'a*'],
    ['a query mark', 'a?b'],
    ['a decomposed accent', 'e\u0301'],
    ['a non-ASCII letter', 'Ünïcødé'],
    ['a Cyrillic look-alike', 'аdmin'],
    ['an inner dot-dot', 'a..b'],
    ['an at sign', 'a@b'],
    ['256 bytes', 'a'.repeat(256)],
    ['17 segments', Array.from({ length: 17 }, () => 'a').join('/')],
    ['a non-string', { name: 'a' }],
  ])('refuses %s', (_label, name) => {
    const result = parseSecretName(name);
    expect(result.ok).toBe(false);
  });

  it('explains a refusal without echoing the name back', () => {
    const result = parseSecretName('top/../secret-of-someone');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining('".."'),
    });
    expect(JSON.stringify(result)).not.toContain('secret-of-someone');
  });
});

describe('parseKeyId', () => {
  it('accepts a UUID in its canonical lower-case form', () => {
    expect(parseKeyId('0B0C8A52-7D1F-4A63-9A52-2B8F3A1C9D10')).toEqual({
      ok: true,
      value: '0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10',
    });
  });

  it.each([
    '',
    '..',
    '0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10/x',
    '../0b0c8a52-7d1f-4a63-9a52-2b8f3a1c9d10',
    'key-1',
    7,
  ])('refuses %j', (id) => expect(parseKeyId(id).ok).toBe(false));
});
