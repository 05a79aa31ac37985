import type { ServerResponse } from 'node:http';

// nginx's built-in error page titles (ngx_http_special_response.c).
const TITLES: Readonly<Record<number, string>> = {
  400: '400 Bad Request',
  401: '401 Authorization Required',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Not Allowed',
  413: '413 Request Entity Too Large',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/**
 * The body APISIX sends for a bare status (a plugin exit without a message, an upstream
 * failure): nginx's page with the APISIX footer, CRLF line ends; empty when nginx has none.
 */
export function errorPage(status: number): string {
  const title = TITLES[status];
  if (!title) return '';
  return (
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>openresty</center>\r\n` +
    `<p><em>Powered by <a href="https://apisix.apache.org/">APISIX</a>.</em></p></body>\r\n</html>\r\n`
  );
}

/** What a gateway-made response carries besides its status. */
export interface ExitOptions {
  readonly body?: Readonly<Record<string, unknown>>;
  readonly headers?: Iterable<[string, string]>;
}

/**
 * Sends a response made by the gateway itself, as core.response.exit does: an object body is
 * JSON plus a newline with nginx's default `text/plain` type; no body means the error page.
 */
export function sendExit(
  res: ServerResponse,
  status: number,
  options: ExitOptions = {},
): void {
  const isJson = options.body !== undefined;
  const body = isJson ? `${JSON.stringify(options.body)}\n` : errorPage(status);
  const headers: Record<string, string> = {
    'Content-Type': isJson
      ? 'text/plain; charset=utf-8'
      : 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  };
  for (const [name, value] of options.headers ?? []) headers[name] = value;
  res.writeHead(status, headers);
  res.end(body);
}

/** APISIX's answer when no route matches. */
export const ROUTE_NOT_FOUND = { error_msg: '404 Route Not Found' } as const;
