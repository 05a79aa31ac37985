import {
  encodePath,
  getQueryArg,
  normalizePath,
  parseRequestTarget,
  removeQueryArg,
} from './request-path';

describe('request paths as nginx sees them', () => {
  it.each([
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a//b///c', '/a/b/c'],
    ['/a/./b/', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/a/b/../c', '/a/c'],
    ['/a/%5Fsystem%2Fmetrics', '/a/_system/metrics'],
    ['/a/%2e%2e/b', '/b'],
    ['/caf%C3%A9', '/café'],
  ])('normalises %s to %s', (raw, expected) => {
    expect(normalizePath(raw)).toBe(expected);
  });

  it.each(['/..', '/a/../..', '/%zz', '/a%00b'])(
    'rejects %s like nginx does with 400',
    (raw) => {
      expect(normalizePath(raw)).toBeUndefined();
    },
  );

  it('keeps the raw request uri and query apart from the normalised path', () => {
    expect(parseRequestTarget('/a//b?x=%2F&y')).toEqual({
      requestUri: '/a//b?x=%2F&y',
      uri: '/a/b',
      args: 'x=%2F&y',
    });
    expect(parseRequestTarget('http://absolute/form')).toBeUndefined();
  });

  it('re-encodes only what a path may not carry', () => {
    expect(encodePath('/v1/auth/userpass/login/alice@example.com')).toBe(
      '/v1/auth/userpass/login/alice@example.com',
    );
    expect(encodePath('/a b/café?#')).toBe('/a%20b/caf%C3%A9%3F%23');
  });

  it('reads and removes one query argument without touching the others', () => {
    const args = 'a=1&apikey=s%20ecret&b=%2F&apikey=again';
    expect(getQueryArg(args, 'apikey')).toBe('s ecret');
    expect(getQueryArg(args, 'missing')).toBeUndefined();
    expect(removeQueryArg(args, 'apikey')).toBe('a=1&b=%2F');
  });
});
