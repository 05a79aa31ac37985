import { createAcl } from './acl';
import { parsePolicy } from './policy';

const acl = (...hcl: string[]) =>
  createAcl(
    hcl.map((h, i) => parsePolicy(`p${i}`, h)),
    { aliases: [] },
  );

describe('ACL priority (Vault policy docs, "Priority matching")', () => {
  it.each([
    [
      'a later first wildcard wins',
      ['secret/+/x', 'secret/a/+'],
      'secret/a/x',
      'p1',
    ],
    [
      'a non-glob beats a glob at the same position',
      ['secret/a/+', 'secret/a/*'],
      'secret/a/b',
      'p0',
    ],
    [
      'fewer + segments win',
      ['secret/a/+/+', 'secret/a/+/c'],
      'secret/a/b/c',
      'p1',
    ],
    [
      'the longer pattern wins',
      ['secret/a*', 'secret/ab*'],
      'secret/abc',
      'p1',
    ],
  ])('%s', (_label, patterns, path, winner) => {
    const policy = patterns
      .map(
        (p, i) =>
          `path "${p}" { capabilities = ["${i === 0 ? 'read' : 'list'}"] }`,
      )
      .join('\n');
    const expected = winner === 'p0' ? ['read'] : ['list'];
    expect(acl(policy).capabilities(path)).toEqual(expected);
  });

  it('prefers an exact rule over any wildcard', () => {
    expect(
      acl(
        'path "a/*" { capabilities = ["read"] }\npath "a/b" { capabilities = ["list"] }',
      ).capabilities('a/b'),
    ).toEqual(['list']);
  });

  it('denies when nothing matches, and deny dominates a union', () => {
    expect(
      acl('path "a" { capabilities = ["read"] }').capabilities('b'),
    ).toEqual(['deny']);
    expect(
      acl(
        'path "a" { capabilities = ["read"] }',
        'path "a" { capabilities = ["deny"] }',
      ).capabilities('a'),
    ).toEqual(['deny']);
  });

  it('requires sudo where asked, and maps the legacy policy keyword', () => {
    const a = acl('path "sys/auth/*" { policy = "write" }');
    expect(a.allows('update', 'sys/auth/x', false)).toBe(true);
    expect(a.allows('update', 'sys/auth/x', true)).toBe(false);
  });
});

describe('policy parsing', () => {
  it('parses HCL comments, repeated blocks and lists with trailing commas', () => {
    const p = parsePolicy(
      'x',
      '# c\n/* b */ path "a" { capabilities = ["read",] }\n// d\npath "a" { capabilities = ["list"] }',
    );
    expect([...p.rules[0].capabilities].sort()).toEqual(['list', 'read']);
  });

  it('strips a leading slash from patterns', () => {
    expect(
      parsePolicy('x', 'path "/a/b" { capabilities = ["read"] }').rules[0]
        .pattern,
    ).toBe('a/b');
  });

  it.each([
    ['path "a" { capabilities = ["read"] ', /failed to parse policy: /],
    ['path "a+*" { capabilities = ["read"] }', /failed to parse policy: /],
    ['path "a*b" { capabilities = ["read"] }', /invalid use of wildcard/],
    ['foo "a" { capabilities = ["read"] }', /invalid key "foo"/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePolicy('x', text)).toThrow(message);
  });
});

describe('parameter constraints (allowed/denied/required_parameters)', () => {
  const rules = acl(
    [
      'path "auth/userpass/users/*" {',
      '  capabilities = ["create", "update"]',
      '  allowed_parameters = { "password" = [] "token_policies" = ["tenant-login"] "token_ttl" = [] }',
      '}',
      'path "identity/entity" {',
      '  capabilities = ["update"]',
      '  denied_parameters = { "policies" = [] }',
      '}',
      'path "kv/globbed" {',
      '  capabilities = ["update"]',
      '  allowed_parameters = { "name" = ["team-*"] }',
      '  required_parameters = ["name"]',
      '}',
    ].join('\n'),
  );

  it('allows only listed parameters, with listed values; [] means any value', () => {
    expect(
      rules.allows('update', 'auth/userpass/users/bob', false, {
        password: 'x',
        token_policies: 'tenant-login',
      }),
    ).toBe(true);
    expect(
      rules.allows('update', 'auth/userpass/users/bob', false, {
        password: 'x',
        token_policies: 'admin',
      }),
    ).toBe(false);
    expect(
      rules.allows('update', 'auth/userpass/users/bob', false, {
        password: 'x',
        token_max_ttl: '1h',
      }),
    ).toBe(false);
  });

  it('compares values whole, so a JSON list does not match a string entry (as in Vault)', () => {
    expect(
      rules.allows('update', 'auth/userpass/users/bob', false, {
        token_policies: ['tenant-login'],
      }),
    ).toBe(false);
  });

  it('denies a denied parameter whatever its value, and allows the rest', () => {
    expect(
      rules.allows('update', 'identity/entity', false, {
        name: 'e',
        policies: ['x'],
      }),
    ).toBe(false);
    expect(
      rules.allows('update', 'identity/entity', false, {
        name: 'e',
        metadata: { tenant_id: 't' },
      }),
    ).toBe(true);
  });

  it('requires required parameters and glob-matches allowed values', () => {
    expect(rules.allows('update', 'kv/globbed', false, {})).toBe(false);
    expect(
      rules.allows('update', 'kv/globbed', false, { name: 'team-a' }),
    ).toBe(true);
    expect(rules.allows('update', 'kv/globbed', false, { name: 'other' })).toBe(
      false,
    );
  });
});
