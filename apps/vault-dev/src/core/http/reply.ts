/**
 * Response shapes (Vault: sdk/logical/translate_response.go, sdk/logical/response_util.go): the success envelope, the three error
 * shapes, 204 rules, and top-level data injection for the sys paths clients read
 * that way.
 */
import type { ServerResponse } from 'node:http';
import { VaultError } from '../backend';
import { stringifyJsonLossless } from './lossless-json';

export interface Reply {
  status: number;
  /** undefined = no body (204, HEAD). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EnvelopeFields {
  requestId: string;
  data: Record<string, unknown> | null;
  warnings?: string[];
  auth?: Record<string, unknown> | null;
  mountType?: string;
  wrapInfo?: Record<string, unknown> | null;
}

export function envelope(f: EnvelopeFields): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: f.requestId,
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: f.data,
    wrap_info: f.wrapInfo ?? null,
    warnings: f.warnings && f.warnings.length > 0 ? f.warnings : null,
    auth: f.auth ?? null,
  };
  if (f.mountType) body['mount_type'] = f.mountType;
  return body;
}

/** Paths whose `data` keys Vault also repeats at the top level (Vault: sdk/logical/translate_response.go). */
const INJECT_EXACT = new Set([
  'sys/auth',
  'sys/mounts',
  'sys/policy',
  'sys/wrapping/wrap',
]);
const INJECT_PREFIX = [
  'sys/capabilities',
  'sys/audit',
  'sys/rotate',
  'sys/policy/',
];

export function injectsTopLevel(path: string): boolean {
  const trimmed = path.replace(/\/$/, '');
  return (
    INJECT_EXACT.has(trimmed) ||
    INJECT_PREFIX.some((p) => trimmed.startsWith(p))
  );
}

export function withTopLevelData(
  body: Record<string, unknown>,
): Record<string, unknown> {
  const data = body['data'];
  if (!data || typeof data !== 'object') return body;
  const out: Record<string, unknown> = { ...body };
  for (const [k, v] of Object.entries(data as Record<string, unknown>))
    if (!(k in out)) out[k] = v;
  return out;
}

export function errorReply(err: VaultError): Reply {
  return {
    status: err.status,
    body: { errors: err.errors, ...(err.extra ?? {}) },
  };
}

/** Permission denied as the ACL reports it: the Go multierror text (hashicorp/go-multierror). */
export function aclDenied(): VaultError {
  return new VaultError(403, ['1 error occurred:\n\t* permission denied\n\n']);
}

/** Permission denied for a missing, unknown, expired or used-up token. */
export function tokenDenied(): VaultError {
  return new VaultError(403, ['permission denied']);
}

const BASE_HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
};

export function sendReply(
  res: ServerResponse,
  reply: Reply,
  isHead: boolean,
): void {
  const headers: Record<string, string> = { ...BASE_HEADERS, ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text =
    typeof reply.body === 'string'
      ? reply.body
      : stringifyJsonLossless(reply.body);
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(reply.status, headers);
  res.end(isHead ? undefined : text);
}
