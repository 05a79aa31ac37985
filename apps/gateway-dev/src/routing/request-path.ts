/** The request target split the way nginx sees it. */
export interface RequestTarget {
  /** `$request_uri`: path and query exactly as received. */
  readonly requestUri: string;
  /** `$uri`: percent-decoded, dot segments resolved, slashes merged. */
  readonly uri: string;
  /** `$args`: the raw query string without `?` (undefined when there is no `?`). */
  readonly args: string | undefined;
}

/**
 * Splits and normalises a request target like nginx does before APISIX matches a route;
 * returns undefined for a target nginx answers with 400 (bad escape, NUL, `..` above root).
 */
export function parseRequestTarget(target: string): RequestTarget | undefined {
  if (!target.startsWith('/')) return undefined;
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const args = queryAt === -1 ? undefined : target.slice(queryAt + 1);
  const uri = normalizePath(rawPath);
  return uri === undefined ? undefined : { requestUri: target, uri, args };
}

/** nginx's ngx_http_parse_complex_uri in short: decode, merge `//`, resolve `.` and `..`. */
export function normalizePath(rawPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = rawPath.includes('%') ? decodeURIComponent(rawPath) : rawPath;
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const segments: string[] = [];
  const parts = decoded.split('/');
  for (let index = 1; index < parts.length; index += 1) {
    const part = parts[index];
    const isLast = index === parts.length - 1;
    if (part === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
      if (isLast) segments.push('');
    } else if (part === '.' || part === '') {
      if (isLast) segments.push('');
    } else {
      segments.push(part);
    }
  }
  return `/${segments.join('/')}`;
}

// RFC 3986 pchar plus '/': what APISIX's uri_safe_encode leaves alone.
const SAFE_PATH_BYTE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

/** Re-encodes a decoded path for the upstream request line (APISIX core.utils.uri_safe_encode). */
export function encodePath(path: string): string {
  let isPlain = true;
  for (const char of path) {
    if (!SAFE_PATH_BYTE.test(char)) {
      isPlain = false;
      break;
    }
  }
  if (isPlain) return path;
  let encoded = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded +=
      byte < 0x80 && SAFE_PATH_BYTE.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Reads one query argument (first occurrence, decoded) from a raw query string. */
export function getQueryArg(
  args: string | undefined,
  name: string,
): string | undefined {
  if (!args) return undefined;
  for (const pair of args.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    if (safeDecode(key) === name)
      return equals === -1 ? '' : safeDecode(pair.slice(equals + 1));
  }
  return undefined;
}

/** Removes every occurrence of one query argument, leaving the others byte for byte. */
export function removeQueryArg(
  args: string | undefined,
  name: string,
): string | undefined {
  if (args === undefined) return undefined;
  return args
    .split('&')
    .filter((pair) => {
      const equals = pair.indexOf('=');
      return safeDecode(equals === -1 ? pair : pair.slice(0, equals)) !== name;
    })
    .join('&');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
