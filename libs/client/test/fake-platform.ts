import type { FetchLike } from '../src/transport';

/** A recorded request the SDK made. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export type Handler = (
  req: Seen,
  signal?: AbortSignal,
) => Response | Promise<Response>;

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: {
      'content-type':
        status >= 400 ? 'application/problem+json' : 'application/json',
      ...headers,
    },
  });
}

export function problem(
  code: string,
  status: number,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return json(
    status,
    {
      type: `urn:secret-flows:problem:${code}`,
      title: code,
      status,
      code,
      detail: `detail of ${code}`,
      requestId: `rid-${code}`,
      ...extra,
    },
    headers,
  );
}

/** An unsigned JWT with the given claims (the SDK never verifies it: the agent does). */
export function makeJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

/**
 * A frozen clock and an in-memory gateway: Vault's login and token routes (JWT `exp` =
 * clock + jwtTtlSeconds, Vault token lease = leaseSeconds) and, unless `routes` answers first,
 * 200 `{}` for every agent route. Counts each route's calls.
 */
export function fakePlatform(
  opts: {
    jwtTtlSeconds?: number;
    leaseSeconds?: number;
    routes?: Handler;
  } = {},
) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const seen: Seen[] = [];
  const counts = { login: 0, token: 0, agent: 0 };
  let jwtSerial = 0;
  let validVaultTokens = new Set<string>();

  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const req: Seen = {
      method: String(init.method),
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    seen.push(req);
    init.signal?.throwIfAborted();
    // Let concurrent callers pile up, as they would behind a real network round trip.
    await new Promise((r) => setImmediate(r));
    if (req.path.startsWith('/auth/login/')) {
      counts.login++;
      if ((req.body as { password?: string }).password !== 'pw')
        return json(400, { errors: ['invalid username or password'] });
      const token = `hvs.${counts.login}`;
      validVaultTokens.add(token);
      return json(200, {
        auth: {
          client_token: token,
          policies: ['default', 'tenant-login'],
          lease_duration: opts.leaseSeconds ?? 3600,
        },
      });
    }
    if (req.path === '/auth/token') {
      counts.token++;
      if (!validVaultTokens.has(headers['x-vault-token']))
        return json(403, { errors: ['permission denied'] });
      jwtSerial++;
      const jwt = makeJwt({
        iss: 'vault',
        aud: 'secret-flows-agent',
        tenant_id: 'default',
        n: jwtSerial,
        exp: Math.floor(now / 1000) + (opts.jwtTtlSeconds ?? 300),
      });
      return json(200, {
        data: {
          token: jwt,
          client_id: 'agent',
          ttl: opts.jwtTtlSeconds ?? 300,
        },
      });
    }
    counts.agent++;
    const answer = await opts.routes?.(req, init.signal ?? undefined);
    return answer ?? json(200, {});
  };

  return {
    fetch,
    seen,
    counts,
    clock: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
    revokeVaultTokens() {
      validVaultTokens = new Set();
    },
    /** The `n` claim of the JWT a request carried (which renewal it came from). */
    jwtSerialOf(req: Seen): number | undefined {
      const auth = req.headers['authorization'];
      if (!auth) return undefined;
      return JSON.parse(
        Buffer.from(auth.slice(7).split('.')[1], 'base64url').toString(),
      ).n;
    },
  };
}

/** A sleep that records the delays asked for and returns at once. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    delays.push(ms);
  };
  return { delays, sleep };
}
