/**
 * Turns a Node request into Vault's logical request (Vault: http/handler.go, http/logical.go): path
 * percent-decoding and cleaning, method -> operation, `?list=`, body parsing (JSON,
 * form, empty), the PATCH content-type rule, the 32 MiB limit, token and wrap headers.
 */
import type { IncomingMessage } from 'node:http';
import { VaultError, type Operation } from '../backend';
import { parseDurationSeconds, parseGoBool } from '../util/time-format';
import { parseJsonLossless } from './lossless-json';

export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

export interface VaultRequest {
  method: string;
  operation: Operation;
  /** Logical path after `/v1/`, percent-decoded; list operations end with `/`. */
  path: string;
  data: Record<string, unknown>;
  token: string | undefined;
  wrapTtlSeconds: number;
  remoteAddress: string;
  headers: IncomingMessage['headers'];
  isHead: boolean;
}

/** A response the HTTP layer sends before any routing (redirects, 413, 405). */
export class EarlyReply extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const METHOD_OPS: Record<string, Operation> = {
  GET: 'read',
  HEAD: 'read',
  POST: 'update',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Go's ServeMux answers `//` and `/../` with a 301 to the cleaned path (Go net/http: ServeMux). */
function cleanedPath(rawPath: string): string | undefined {
  if (!/\/\/|\/\.\.?(\/|$)/.test(rawPath)) return undefined;
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}${rawPath.endsWith('/') && out.length > 0 ? '/' : ''}`;
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function tokenFrom(
  headers: IncomingMessage['headers'],
): string | undefined {
  const vaultToken = headers['x-vault-token'];
  if (typeof vaultToken === 'string' && vaultToken !== '') return vaultToken;
  const authz = headers['authorization'];
  // Values not starting with "Bearer " are left for plugins and ignored here (§1.2).
  if (typeof authz === 'string' && authz.startsWith('Bearer '))
    return authz.slice(7).trim() || undefined;
  return undefined;
}

function wrapTtlFrom(headers: IncomingMessage['headers']): number {
  const raw = headers['x-vault-wrap-ttl'];
  if (typeof raw !== 'string' || raw === '') return 0;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined)
    throw new VaultError(400, [
      `error parsing X-Vault-Wrap-TTL header: time: invalid duration "${raw}"`,
    ]);
  if (seconds < 0)
    throw new VaultError(400, [
      'error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative',
    ]);
  return seconds;
}

function checkNamespace(headers: IncomingMessage['headers']): void {
  const ns = headers['x-vault-namespace'];
  if (ns === undefined) return;
  const value = (Array.isArray(ns) ? ns[0] : ns).trim();
  if (value === '' || value === 'root' || value === 'root/') return;
  throw new VaultError(400, [
    `namespaces are not supported by vault-dev: X-Vault-Namespace must be empty or "root", got "${value}"`,
  ]);
}

const EMPTY = Buffer.alloc(0);

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = (): EarlyReply =>
    new EarlyReply(
      413,
      { errors: ['http: request body too large'] },
      { Connection: 'close' },
    );
  if (declared > limit) return Promise.reject(tooLarge());
  // Most reads carry no body at all; skip the stream machinery for them.
  if (declared === 0 && req.headers['transfer-encoding'] === undefined)
    return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

function formData(text: string): Record<string, unknown> {
  const params = new URLSearchParams(text);
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function parseBody(body: Buffer, contentType: string): Record<string, unknown> {
  const text = body.toString('utf8');
  const trimmed = text.trimStart();
  if (trimmed === '') return {};
  if (
    contentType.startsWith('application/x-www-form-urlencoded') &&
    !trimmed.startsWith('{') &&
    !trimmed.startsWith('[')
  ) {
    return formData(text);
  }
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text);
  } catch (err) {
    throw new VaultError(400, [
      `failed to parse JSON input: ${(err as Error).message}`,
    ]);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new VaultError(400, [
      `failed to parse JSON input: json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into Go value of type map[string]interface {}`,
    ]);
  }
  return parsed as Record<string, unknown>;
}

function queryData(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    if (key === 'list' || key === 'help') continue;
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** Parses and validates everything the core needs from the HTTP request. */
export async function toVaultRequest(
  req: IncomingMessage,
): Promise<VaultRequest> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  if (!rawPath.startsWith('/v1/')) throw new VaultError(404, []);
  const cleaned = cleanedPath(rawPath);
  if (cleaned !== undefined) {
    throw new EarlyReply(301, null, {
      Location: cleaned + (q === -1 ? '' : url.slice(q)),
    });
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath.slice(4));
  } catch {
    throw new VaultError(400, ['invalid URL escape in path']);
  }
  if (hasControlCharacters(path))
    throw new VaultError(400, ['cannot have non-printable characters in path']);

  const method = (req.method ?? 'GET').toUpperCase();
  let operation: Operation | undefined = METHOD_OPS[method];
  if (!operation) throw new VaultError(405, []);
  const list = params.get('list');
  if (method === 'GET' && list !== null) {
    const isList = parseGoBool(list);
    if (isList === undefined) throw new VaultError(400, []);
    if (isList) operation = 'list';
  }
  if (operation === 'list' && !path.endsWith('/')) path += '/';

  checkNamespace(req.headers);
  const wrapTtlSeconds = wrapTtlFrom(req.headers);
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  if (
    method === 'PATCH' &&
    !contentType.startsWith('application/merge-patch+json')
  ) {
    throw new VaultError(415, [
      `PATCH requires Content-Type of application/merge-patch+json, provided ${req.headers['content-type'] ?? ''}`,
    ]);
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  const data = hasBody ? parseBody(body, contentType) : queryData(params);
  return {
    method,
    operation,
    path,
    data,
    token: tokenFrom(req.headers),
    wrapTtlSeconds,
    remoteAddress: req.socket.remoteAddress ?? '',
    headers: req.headers,
    isHead: method === 'HEAD',
  };
}
