/**
 * A deliberately plain HTTP client for the conformance suite: node:http so tests can
 * send any verb (LIST), any header and any raw body, and see status, headers and text.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { startVaultDev, type VaultDevOptions, type VaultDevServer } from '../../src/index';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // Tests inspect arbitrary Vault JSON; `any` keeps assertions readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** For an https address: the CA to trust instead of the public ones. */
  ca?: string;
  /** For an https address: the TLS server name to check (default: the URL's host). */
  servername?: string;
}

export function request(address: string, method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const url = new URL(address);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers['X-Vault-Token'] = opts.token;
  let payload: string | Buffer | undefined = opts.rawBody;
  if (payload === undefined && opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const tlsOptions = url.protocol === 'https:' ? { ca: opts.ca, servername: opts.servername } : {};
    const req = (url.protocol === 'https:' ? https : http).request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false, ...tlsOptions },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A settable clock so TTL tests move time instead of sleeping. */
export function createTestClock(startMs = Date.UTC(2026, 0, 1, 12, 0, 0)): { now: () => number; advanceSeconds(s: number): void } {
  let t = startMs;
  return {
    now: () => t,
    advanceSeconds(s) {
      t += s * 1000;
    },
  };
}

export interface TestVault {
  server: VaultDevServer;
  root: string;
  clock: ReturnType<typeof createTestClock>;
  call(method: string, path: string, opts?: RequestOptions): Promise<HttpResult>;
  /** Calls with the root token unless another token is given. */
  root$(method: string, path: string, body?: unknown): Promise<HttpResult>;
}

export async function startTestVault(options: Partial<VaultDevOptions> = {}): Promise<TestVault> {
  const clock = createTestClock();
  const server = await startVaultDev({ port: 0, rootToken: 'root-token-for-tests', clock: clock.now, ...options });
  return {
    server,
    root: server.rootToken,
    clock,
    call: (method, path, opts) => request(server.address, method, path, { ca: server.caCertPem, ...opts }),
    root$: (method, path, body) => request(server.address, method, path, { token: server.rootToken, body, ca: server.caCertPem }),
  };
}

/** Writes a policy and creates a token that carries it (plus `default`). */
export async function tokenWithPolicy(vault: TestVault, name: string, hcl: string, extra: Record<string, unknown> = {}): Promise<string> {
  const put = await vault.root$('PUT', `/v1/sys/policies/acl/${name}`, { policy: hcl });
  if (put.status !== 204) throw new Error(`policy write failed: ${put.status} ${put.text}`);
  const created = await vault.root$('POST', '/v1/auth/token/create', { policies: [name], ...extra });
  if (created.status !== 200) throw new Error(`token create failed: ${created.status} ${created.text}`);
  return created.json.auth.client_token as string;
}

export const PERMISSION_DENIED = { errors: ['permission denied'] };
export const ACL_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
