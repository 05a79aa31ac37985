import type { VaultHttpResponse, VaultRequest } from '../transport';

/** What engines talk to: the transport behind the token lifecycle (or a fixed token). */
export interface VaultCaller {
  send(request: VaultRequest): Promise<VaultHttpResponse>;
}

/** Vault TTLs: integer seconds or a Go duration string (`"1h"`, `"90s"`). */
export type Ttl = number | string;

/** camelCase option keys → Vault's snake_case body keys, one level deep (values untouched). */
export function snakeFields(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined)
      out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return out;
}

/** Joins path segments without doubled or edge slashes. */
export function joinPath(...parts: string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
}

/** The `data` object of an envelope, or `{}`. */
export function dataOf(res: VaultHttpResponse): Record<string, unknown> {
  const data = (res.body as { data?: unknown } | undefined)?.data;
  return data && typeof data === 'object'
    ? (data as Record<string, unknown>)
    : {};
}
