import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as nodeHttp from 'node:http';
import type { Platform } from '@secret-flows/cli';
import { http, startTestPlatform, type HttpResult } from './support/platform';

// Issue 6 "done when": two tenants, real processes (vault-dev, wallet, agent, gateway-dev), and
// the proof that isolation holds at every layer — the agent's routes, the wallet's checks, and
// Vault's own policies when the wallet is bypassed.
jest.setTimeout(120_000);

interface Tenant {
  id: string;
  username: string;
  password: string;
  jwt: string;
}

const CONCURRENT_TENANTS = 50;

describe('tenant isolation (phase 4, enforced by Vault)', () => {
  let platform: Platform;
  let a: Tenant;
  let b: Tenant;
  let bKeyId: string;
  const bSecretValue = `b-only-value-${crypto.randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    platform = await startTestPlatform(4, {
      // The suite sends a few hundred requests through one consumer; the limits are not under test here.
      env: {
        gateway: {
          GATEWAY_RATE_LIMIT_COUNT: '100000',
          GATEWAY_LOGIN_RATE_LIMIT_COUNT: '100000',
        },
      },
    });
    [a, b] = await Promise.all(
      platform.tenants
        .slice(0, 2)
        .map((t) => session(t.id, t.username as string, t.password as string)),
    );
    const key = await agent(b, 'POST', '/keys', { type: 'Ed25519' });
    expect(key.status).toBe(201);
    bKeyId = (key.body as { id: string }).id;
    expect(
      (await agent(b, 'PUT', '/secrets/b-only', { value: bSecretValue }))
        .status,
    ).toBe(200);
    expect(
      (await agent(b, 'PUT', '/secrets/nested/b-deep', { value: bSecretValue }))
        .status,
    ).toBe(200);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  // A's view of B's real resource must be indistinguishable from A's view of one that never existed.
  const absentKeyId = crypto.randomUUID();
  it.each([
    ['GET', '/keys/{id}', undefined],
    ['DELETE', '/keys/{id}', undefined],
    ['POST', '/keys/{id}/sign', { payload: 'aGVsbG8' }],
    ['GET', '/keys/{ID in upper case}', undefined],
  ])(
    "answers 404 to tenant A on %s %s for B's key exactly as for a key that never existed",
    async (method, template, body) => {
      const path = (id: string) =>
        template
          .replace('{id}', id)
          .replace('{ID in upper case}', id.toUpperCase());
      const onB = await agent(a, method, path(bKeyId), body);
      const onNothing = await agent(a, method, path(absentKeyId), body);
      expect(onB.status).toBe(404);
      expectSameProblem(onB, onNothing);
      expect((await agent(b, 'GET', `/keys/${bKeyId}`)).status).toBe(200);
    },
  );

  it.each([
    ['GET', '/secrets/b-only', '/secrets/never-existed'],
    ['DELETE', '/secrets/b-only', '/secrets/never-existed'],
    ['GET', '/secrets/nested/b-deep', '/secrets/nested/never-existed'],
    ['GET', '/secrets/B-ONLY', '/secrets/NEVER-EXISTED'],
    ['GET', '/secrets/b-only?version=1', '/secrets/never-existed?version=1'],
  ])(
    "answers 404 to tenant A on %s %s (B's secret) exactly as for a name nobody has",
    async (method, path, absentPath) => {
      const onB = await agent(a, method, path);
      expect(onB.status).toBe(404);
      expectSameProblem(onB, await agent(a, method, absentPath));
      expect(JSON.stringify(onB.body)).not.toContain(b.id);
    },
  );

  it("names B's paths from inside A's namespace and reaches only A's own (empty) subtree", async () => {
    for (const name of [
      `tenants/${b.id}/secrets/b-only`,
      `${b.id}/secrets/b-only`,
      `secret/data/tenants/${b.id}/secrets/b-only`,
    ]) {
      const res = await agent(a, 'GET', `/secrets/${name}`);
      expect(res.status).toBe(404);
      expectSameProblem(res, await agent(a, 'GET', '/secrets/never-existed'));
    }
  });

  it.each([
    ['dot-dot segments', `/secrets/../../${'tenants'}/B/secrets/b-only`],
    [
      'dot-dot segments right after the prefix',
      '/secrets/../secrets/b-only/../b-only',
    ],
    ['percent-encoded slashes', `/secrets/..%2F..%2FB%2Fsecrets%2Fb-only`],
    ['percent-encoded dots', `/secrets/%2e%2e/%2e%2e/B/secrets/b-only`],
    [
      'upper-case percent-encoded dots',
      `/secrets/%2E%2E/%2E%2E/B/secrets/b-only`,
    ],
    [
      'double-encoded traversal',
      `/secrets/%252e%252e%252fB%252fsecrets%252fb-only`,
    ],
    ['backslashes', '/secrets/..%5C..%5CB%5Csecrets%5Cb-only'],
    [
      'a unicode hyphen look-alike',
      `/secrets/b${encodeURIComponent('\u2010')}only`,
    ],
    [
      'a Cyrillic look-alike letter',
      `/secrets/b-${encodeURIComponent('\u043e')}nly`,
    ],
    [
      'a fullwidth solidus',
      `/secrets/B${encodeURIComponent('\uff0f')}secrets${encodeURIComponent('\uff0f')}b-only`,
    ],
    ['a NUL byte', '/secrets/b-only%00'],
    ['an overlong name', `/secrets/${'b'.repeat(300)}`],
    ['an overlong key id', `/keys/${'0'.repeat(300)}`],
    ['a key id with traversal', '/keys/..%2F..%2FB%2Fkeys'],
  ])(
    'refuses a request with %s as 400 or 404, the same whether B exists or not',
    async (_trick, rawPath) => {
      const res = await rawAgent(a, 'GET', rawPath.replace(/\bB\b/g, b.id));
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toContain(bSecretValue);
      // `instance` echoes the caller's own request path; everything else must not depend on B.
      const nobody = await rawAgent(
        a,
        'GET',
        rawPath.replace(/\bB\b/g, crypto.randomUUID()),
      );
      expect(withoutEcho(res)).toEqual(withoutEcho(nobody));
    },
  );

  it("leaves B's secret untouched when A writes and deletes the same names", async () => {
    expect(
      (await agent(a, 'PUT', '/secrets/b-only', { value: 'from A' })).status,
    ).toBe(200);
    expect(
      (await agent(a, 'PUT', '/secrets/b-only', { value: 'from A', cas: 0 }))
        .status,
    ).toBe(409);
    expect((await agent(a, 'DELETE', '/secrets/b-only')).status).toBe(204);
    const bRead = await agent(b, 'GET', '/secrets/b-only');
    expect(bRead.status).toBe(200);
    expect((bRead.body as { value: string }).value).toBe(bSecretValue);
    expect(
      ((await agent(a, 'GET', '/secrets')).body as { names: string[] }).names,
    ).toEqual([]);
    expect(
      (
        (await agent(a, 'GET', '/keys')).body as { keys: { id: string }[] }
      ).keys.map((k) => k.id),
    ).not.toContain(bKeyId);
  });

  it("gives tenant A's JWT no way into the admin API for B's wallet (401 without the admin key)", async () => {
    for (const [method, path] of [
      ['GET', `/wallets/${b.id}`],
      ['DELETE', `/wallets/${b.id}`],
      ['GET', '/wallets'],
    ]) {
      const res = await agent(a, method, path);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        code: 'unauthorized',
        detail: 'The x-admin-api-key header is required.',
      });
    }
    expect((await agent(b, 'GET', '/secrets/b-only')).status).toBe(200);
  });

  it("refuses A's JWT with tenant_id changed to B's (signature no longer matches) with 401", async () => {
    const [header, payload, signature] = a.jwt.split('.');
    const claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString(),
    ) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, tenant_id: b.id })).toString('base64url')}.${signature}`;
    const res = await agent({ ...a, jwt: tampered }, 'GET', '/secrets/b-only');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthorized' });
  });

  it("refuses a JWT with B's tenant_id signed by another key under Vault's key id with 401", async () => {
    const [header, payload] = a.jwt.split('.');
    const { kid, alg } = JSON.parse(
      Buffer.from(header, 'base64url').toString(),
    ) as { kid: string; alg: string };
    const claims = {
      ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >),
      tenant_id: b.id,
    };
    const res = await agent(
      { ...a, jwt: signWithStrangerKey(alg, kid, claims) },
      'GET',
      '/secrets/b-only',
    );
    expect(res.status).toBe(401);
  });

  it("refuses a deleted tenant's still-unexpired JWT with 401, and its login, data and record are gone", async () => {
    const created = await admin('POST', '/wallets', { name: 'short-lived' });
    expect(created.status).toBe(201);
    const c = created.body as {
      id: string;
      login: { username: string; password: string };
    };
    const tenant = await session(c.id, c.login.username, c.login.password);
    expect(
      (await agent(tenant, 'PUT', '/secrets/doomed', { value: 'doomed' }))
        .status,
    ).toBe(200);

    expect((await admin('DELETE', `/wallets/${c.id}`)).status).toBe(204);
    const claims = JSON.parse(
      Buffer.from(tenant.jwt.split('.')[1], 'base64url').toString(),
    ) as { exp: number };
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    const after = await agent(tenant, 'GET', '/secrets/doomed');
    expect(after.status).toBe(401);
    expect((await admin('GET', `/wallets/${c.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/wallets/${c.id}`)).status).toBe(404);
    expect(
      (await admin('POST', '/wallets', { id: c.id, name: 'short-lived' }))
        .status,
    ).toBe(409);
    const login = await http(
      `${platform.urls.gateway}/auth/login/${c.login.username}`,
      jsonInit('POST', { password: c.login.password }),
    );
    expect(login.status).toBeGreaterThanOrEqual(400);
    const list = await vault(
      'LIST',
      `secret/metadata/tenants/${c.id}`,
      platform.vaultRootToken,
    );
    expect(list.status).toBe(404);
  });

  it("refuses the wallet's own AppRole token on tenant data straight at vault-dev (403)", async () => {
    const creds = platform.bootstrap.credentials;
    expect(creds?.roleIdFile.startsWith(platform.runDir)).toBe(true);
    const login = await vault('POST', 'auth/approle/login', undefined, {
      role_id: fs.readFileSync(creds?.roleIdFile as string, 'utf8').trim(),
      secret_id: fs.readFileSync(creds?.secretIdFile as string, 'utf8').trim(),
    });
    const walletToken = (
      login.body as { auth: { client_token: string; policies: string[] } }
    ).auth;
    expect(walletToken.policies).toContain('wallet-provisioner');
    expect(
      (
        await vault(
          'GET',
          `secret/data/tenants/${b.id}/secrets/b-only`,
          walletToken.client_token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await vault(
          'GET',
          `secret/data/tenants/${b.id}/seed`,
          walletToken.client_token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await vault(
          'POST',
          `secret/data/tenants/${b.id}/secrets/planted`,
          walletToken.client_token,
          { data: { value: 'x' } },
        )
      ).status,
    ).toBe(403);
  });

  it("refuses tenant A's exchanged Vault token on B's path straight at vault-dev (403), while it reads A's own", async () => {
    expect(
      (await agent(a, 'PUT', '/secrets/mine', { value: 'a-value' })).status,
    ).toBe(200);
    const login = await vault(
      'POST',
      `auth/userpass/login/${a.username}`,
      undefined,
      { password: a.password },
    );
    const loginToken = (login.body as { auth: { client_token: string } }).auth
      .client_token;
    const idToken = (
      (await vault('GET', 'identity/oidc/token/tenant', loginToken)).body as {
        data: { token: string };
      }
    ).data.token;
    const exchanged = await vault('POST', 'auth/jwt/login', undefined, {
      role: 'tenant',
      jwt: idToken,
    });
    const tenantToken = (
      exchanged.body as { auth: { client_token: string; policies: string[] } }
    ).auth;
    expect(tenantToken.policies).toContain('tenant-data');

    const own = await vault(
      'GET',
      `secret/data/tenants/${a.id}/secrets/mine`,
      tenantToken.client_token,
    );
    expect(
      (own.body as { data: { data: { value: string } } }).data.data.value,
    ).toBe('a-value');
    expect(
      (
        await vault(
          'GET',
          `secret/data/tenants/${b.id}/secrets/b-only`,
          tenantToken.client_token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await vault(
          'GET',
          `secret/data/tenants/${b.id}/seed`,
          tenantToken.client_token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await vault(
          'LIST',
          `secret/metadata/tenants/${b.id}`,
          tenantToken.client_token,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await vault(
          'POST',
          `secret/data/tenants/${b.id}/secrets/planted`,
          tenantToken.client_token,
          { data: { value: 'x' } },
        )
      ).status,
    ).toBe(403);
  });

  it(`exchanges exactly one JWT per distinct tenant JWT when ${CONCURRENT_TENANTS} new tenants work concurrently`, async () => {
    const created = await mapLimited(
      Array.from({ length: CONCURRENT_TENANTS }, (_, i) => i),
      10,
      async (i) => {
        const res = await admin('POST', '/wallets', { name: `load-${i}` });
        expect(res.status).toBe(201);
        const w = res.body as {
          id: string;
          login: { username: string; password: string };
        };
        return session(w.id, w.login.username, w.login.password);
      },
    );
    expect(new Set(created.map((t) => t.id)).size).toBe(CONCURRENT_TENANTS);
    const before = await exchangeCount();
    // Each tenant's three calls race for its one exchange; 25 tenants at a time keeps the 75
    // requests in flight under the agent's budget of 128 (ADR 0009), beyond which it sheds with
    // 503 + Retry-After by design (hostile-tenant-memory.e2e.test.ts covers that side).
    await mapLimited(created, 25, (t) =>
      Promise.all([
        agent(t, 'PUT', '/secrets/own', { value: `v-${t.id}` }).then((r) =>
          expect(r.status).toBe(200),
        ),
        agent(t, 'GET', '/keys').then((r) => expect(r.status).toBe(200)),
        agent(t, 'GET', '/secrets').then((r) => expect(r.status).toBe(200)),
      ]),
    );
    const reads = await Promise.all(
      created.map((t) => agent(t, 'GET', '/secrets/own')),
    );
    expect(reads.map((r) => (r.body as { value: string }).value)).toEqual(
      created.map((t) => `v-${t.id}`),
    );
    expect((await exchangeCount()) - before).toBe(CONCURRENT_TENANTS);
  });

  async function session(
    id: string,
    username: string,
    password: string,
  ): Promise<Tenant> {
    const login = await http(
      `${platform.urls.gateway}/auth/login/${encodeURIComponent(username)}`,
      jsonInit('POST', { password }),
    );
    expect(login.status).toBe(200);
    const vaultToken = (login.body as { auth: { client_token: string } }).auth
      .client_token;
    const token = await http(`${platform.urls.gateway}/auth/token`, {
      headers: { 'x-vault-token': vaultToken },
    });
    expect(token.status).toBe(200);
    return {
      id,
      username,
      password,
      jwt: (token.body as { data: { token: string } }).data.token,
    };
  }

  function agent(
    t: Pick<Tenant, 'jwt'>,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const init = jsonInit(method, body);
    init.headers = {
      ...(init.headers as Record<string, string>),
      apikey: platform.apiKey,
      authorization: `Bearer ${t.jwt}`,
    };
    return http(`${platform.urls.gateway}/cloud-agent${path}`, init);
  }

  function admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const init = jsonInit(method, body);
    init.headers = {
      ...(init.headers as Record<string, string>),
      apikey: platform.apiKey,
      'x-admin-api-key': platform.adminApiKey,
    };
    return http(`${platform.urls.gateway}/cloud-agent${path}`, init);
  }

  // fetch normalises `..` and `%2e%2e` away before sending; node:http sends the path verbatim.
  function rawAgent(
    t: Tenant,
    method: string,
    rawPath: string,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(platform.urls.gateway);
    return new Promise((resolve, reject) => {
      const req = nodeHttp.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: `/cloud-agent${rawPath}`,
          headers: {
            apikey: platform.apiKey,
            authorization: `Bearer ${t.jwt}`,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  function vault(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<HttpResult> {
    const init = jsonInit(method, body);
    if (token)
      init.headers = {
        ...(init.headers as Record<string, string>),
        'x-vault-token': token,
      };
    return http(`${platform.urls.vault}/v1/${path}`, init);
  }

  async function exchangeCount(): Promise<number> {
    const text = (await http(`${platform.urls.wallet}/_system/metrics`)).text;
    return [
      ...text.matchAll(/^vault_jwt_exchanges_total\{[^}]*\} (\d+)/gm),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
  }
});

function jsonInit(method: string, body?: unknown): RequestInit {
  return body === undefined
    ? { method }
    : {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
}

function expectSameProblem(x: HttpResult, y: HttpResult): void {
  const strip = (r: HttpResult) => ({
    ...(r.body as Record<string, unknown>),
    requestId: undefined,
    instance: undefined,
  });
  expect(x.status).toBe(y.status);
  expect(strip(x)).toEqual(strip(y));
}

// The gateway itself may answer a malformed path with an HTML page; agent answers are problem JSON.
function withoutEcho(r: { status: number; text: string }): unknown {
  try {
    return {
      status: r.status,
      ...(JSON.parse(r.text) as object),
      requestId: undefined,
      instance: undefined,
    };
  } catch {
    return { status: r.status, text: r.text };
  }
}

function signWithStrangerKey(
  alg: string,
  kid: string,
  claims: Record<string, unknown>,
): string {
  const header = Buffer.from(JSON.stringify({ alg, kid, typ: 'JWT' })).toString(
    'base64url',
  );
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  if (alg.startsWith('ES')) {
    const { privateKey } = crypto.generateKeyPairSync('ec', {
      namedCurve: 'P-256',
    });
    return `${input}.${crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  return `${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
