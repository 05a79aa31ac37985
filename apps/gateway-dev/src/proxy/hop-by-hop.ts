import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific fields, plus the non-standard ones proxies also drop.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies headers without the hop-by-hop ones, including those the Connection header names. */
export function withoutHopByHop(
  headers: IncomingHttpHeaders,
): OutgoingHttpHeaders {
  const connection = headers.connection;
  const named = connection
    ? connection
        .toLowerCase()
        .split(',')
        .map((token) => token.trim())
    : [];
  const result: OutgoingHttpHeaders = {};
  for (const name of Object.keys(headers)) {
    if (HOP_BY_HOP.has(name) || named.includes(name)) continue;
    const value = headers[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}
