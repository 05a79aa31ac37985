/**
 * A deliberately plain HTTP client for the conformance suite: node:http so tests can
 * send any verb (LIST), any header and any raw body, and see status, headers and text.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  startVaultDev,
  type VaultDevOptions,
  type VaultDevServer,
} from '../../src/index';

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

export function request(
  address: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<HttpResult> {
  const url = new URL(address);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers['X-Vault-Token'] = opts.token;
  let payload: string | Buffer | undefined = opts.rawBody;
  if (payload === undefined && opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const tlsOptions =
      url.protocol === 'https:'
        ? { ca: opts.ca, servername: opts.servername }
        : {};
    const req = (url.protocol === 'https:' ? https : http).request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers,
        agent: false,
        ...tlsOptions,
      },
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
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
          });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A settable clock so TTL tests move time instead of sleeping. */
export function createTestClock(startMs = Date.UTC(2026, 0, 1, 12, 0, 0)): {
  now: () => number;
  advanceSeconds(s: number): void;
} {
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
  call(
    method: string,
    path: string,
    opts?: RequestOptions,
  ): Promise<HttpResult>;
  /** Calls with the root token unless another token is given. */
  root$(method: string, path: string, body?: unknown): Promise<HttpResult>;
}

/**
 * Real-Vault mode: with VAULT_CONFORMANCE_ADDR (and VAULT_CONFORMANCE_TOKEN, a root token) the
 * conformance suite runs against that server — a `vault server -dev` or `bao server -dev` —
 * instead of an in-process vault-dev. Run it with `--runInBand`: each suite resets the server
 * (disables the mounts and auth methods it added, deletes its policies) when it starts.
 */
export const REAL_VAULT = process.env['VAULT_CONFORMANCE_ADDR'] ?? '';
export const isRealVault = REAL_VAULT !== '';

/**
 * `it` for tests that need vault-dev internals (the injected clock, the unseal key, a data
 * directory, a restart): skipped against a real Vault, with the reason in the test name.
 */
export function itDevOnly(
  name: string,
  fn: jest.ProvidesCallback,
  timeout?: number,
): void {
  // Runs everywhere except with VAULT_CONFORMANCE_ADDR set: a real Vault has no injected clock or
  // unseal key to drive, so those tests cannot run there (apps/vault-dev/README.md).
  if (isRealVault)
    it.skip(
      `${name} [skipped against a real Vault: needs vault-dev internals]`,
      fn,
      timeout,
    );
  else it(name, fn, timeout);
}

const BUILTIN_MOUNTS = new Set(['sys/', 'cubbyhole/', 'identity/', 'secret/']);
const BUILTIN_POLICIES = new Set(['default', 'root']);

/** Puts a dev-mode Vault back to its initial mounts and policies (KV data at secret/ stays). */
async function resetRealVault(address: string, token: string): Promise<void> {
  // Every token but the caller's is revoked (tests create tokens with fixed ids).
  const self = (
    await request(address, 'GET', '/v1/auth/token/lookup-self', { token })
  ).json?.data?.accessor;
  const accessors =
    (await request(address, 'LIST', '/v1/auth/token/accessors', { token })).json
      ?.data?.keys ?? [];
  for (const accessor of accessors as string[]) {
    if (accessor !== self)
      await request(address, 'POST', '/v1/auth/token/revoke-accessor', {
        token,
        body: { accessor },
      });
  }
  // secret/ is re-created empty (a dev server mounts it as KV v2), so KV tests start clean.
  await request(address, 'DELETE', '/v1/sys/mounts/secret', { token });
  await request(address, 'POST', '/v1/sys/mounts/secret', {
    token,
    body: { type: 'kv', options: { version: '2' } },
  });
  const mounts =
    (await request(address, 'GET', '/v1/sys/mounts', { token })).json?.data ??
    {};
  for (const path of Object.keys(mounts)) {
    if (!BUILTIN_MOUNTS.has(path))
      await request(address, 'DELETE', `/v1/sys/mounts/${path}`, { token });
  }
  const auths =
    (await request(address, 'GET', '/v1/sys/auth', { token })).json?.data ?? {};
  for (const path of Object.keys(auths)) {
    if (path !== 'token/')
      await request(address, 'DELETE', `/v1/sys/auth/${path}`, { token });
  }
  // Identity: entities (their aliases go with them), OIDC roles, then named keys but `default`.
  const entities =
    (await request(address, 'LIST', '/v1/identity/entity/id', { token })).json
      ?.data?.keys ?? [];
  for (const id of entities as string[])
    await request(address, 'DELETE', `/v1/identity/entity/id/${id}`, { token });
  const roles =
    (await request(address, 'LIST', '/v1/identity/oidc/role', { token })).json
      ?.data?.keys ?? [];
  for (const name of roles as string[])
    await request(address, 'DELETE', `/v1/identity/oidc/role/${name}`, {
      token,
    });
  const keys =
    (await request(address, 'LIST', '/v1/identity/oidc/key', { token })).json
      ?.data?.keys ?? [];
  for (const name of keys as string[])
    if (name !== 'default')
      await request(address, 'DELETE', `/v1/identity/oidc/key/${name}`, {
        token,
      });
  await request(address, 'POST', '/v1/identity/oidc/config', {
    token,
    body: { issuer: '' },
  });
  const policies =
    (await request(address, 'LIST', '/v1/sys/policies/acl', { token })).json
      ?.data?.keys ?? [];
  for (const name of policies as string[]) {
    if (!BUILTIN_POLICIES.has(name))
      await request(address, 'DELETE', `/v1/sys/policies/acl/${name}`, {
        token,
      });
  }
}

async function connectRealVault(): Promise<TestVault> {
  const token = process.env['VAULT_CONFORMANCE_TOKEN'] ?? '';
  if (token === '')
    throw new Error(
      'VAULT_CONFORMANCE_ADDR is set but VAULT_CONFORMANCE_TOKEN (a root token) is not',
    );
  const address = REAL_VAULT.replace(/\/+$/, '');
  await resetRealVault(address, token);
  const internals = (what: string) => () => {
    throw new Error(
      `${what} needs vault-dev internals; mark the test with itDevOnly`,
    );
  };
  const url = new URL(address);
  const server = {
    address,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    rootToken: token,
    get unsealKey(): string {
      return internals('the unseal key')();
    },
    recentTraceparents: internals('recentTraceparents'),
    stop: async () => undefined,
  } as unknown as VaultDevServer;
  return {
    server,
    root: token,
    clock: {
      now: () => Date.now(),
      advanceSeconds: internals('moving the clock'),
    },
    call: (method, path, opts) => request(address, method, path, opts),
    root$: (method, path, body) =>
      request(address, method, path, { token, body }),
  };
}

export async function startTestVault(
  options: Partial<VaultDevOptions> = {},
): Promise<TestVault> {
  if (isRealVault) return connectRealVault();
  const clock = createTestClock();
  const server = await startVaultDev({
    port: 0,
    rootToken: 'root-token-for-tests',
    clock: clock.now,
    ...options,
  });
  return {
    server,
    root: server.rootToken,
    clock,
    call: (method, path, opts) =>
      request(server.address, method, path, { ca: server.caCertPem, ...opts }),
    root$: (method, path, body) =>
      request(server.address, method, path, {
        token: server.rootToken,
        body,
        ca: server.caCertPem,
      }),
  };
}

/** Writes a policy and creates a token that carries it (plus `default`). */
export async function tokenWithPolicy(
  vault: TestVault,
  name: string,
  hcl: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const put = await vault.root$('PUT', `/v1/sys/policies/acl/${name}`, {
    policy: hcl,
  });
  if (put.status !== 204)
    throw new Error(`policy write failed: ${put.status} ${put.text}`);
  const created = await vault.root$('POST', '/v1/auth/token/create', {
    policies: [name],
    ...extra,
  });
  if (created.status !== 200)
    throw new Error(`token create failed: ${created.status} ${created.text}`);
  return created.json.auth.client_token as string;
}

export const PERMISSION_DENIED = { errors: ['permission denied'] };
export const ACL_DENIED = {
  errors: ['1 error occurred:\n\t* permission denied\n\n'],
};
