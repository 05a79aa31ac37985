import * as crypto from 'node:crypto';
import {
  createClient,
  isSecretFlowsError,
  type ResponseInfo,
  type SecretFlowsClient,
} from '@secret-flows/client';
import type { PlatformInfo } from './platform-file';
import type { DemoTenant } from './demo-tenants';

export interface DemoStep {
  step: string;
  ok: boolean;
  detail: string;
}

/** One tenant as an application sees it: an SDK client and the last answer it received. */
interface Session {
  tenant: DemoTenant;
  client: SecretFlowsClient;
  last?: ResponseInfo;
}

type Print = (step: DemoStep) => void;
type Record_ = (step: string, ok: boolean, detail: string) => void;

/**
 * The phase's whole flow through the gateway, as an application runs it with the SDK
 * (@secret-flows/client): (phases 3-4) log in and fetch the JWT, then create a key, sign,
 * verify locally, write and read a secret; in phase 4 also prove that one tenant cannot reach
 * another's key or secret. Returns every step; throws on the first failed one.
 */
export async function runDemo(
  info: PlatformInfo,
  print: Print = () => undefined,
): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const record: Record_ = (step, ok, detail) => {
    const s = { step, ok, detail };
    steps.push(s);
    print(s);
    if (!ok) throw Object.assign(new Error(`${step}: ${detail}`), { steps });
  };
  const tenants =
    info.phase === 4 ? info.tenants.slice(0, 2) : info.tenants.slice(0, 1);
  const sessions: Session[] = [];
  try {
    for (const tenant of tenants) {
      const session = openSession(info, tenant);
      if (info.phase >= 3) await login(session, record);
      await keyFlow(session, record);
      await secretFlow(session, record);
      sessions.push(session);
    }
    if (info.phase === 4 && sessions.length === 2)
      await crossTenantCheck(sessions[0], sessions[1], record);
  } catch (err) {
    if ((err as { steps?: unknown }).steps) throw err;
    // An SDK error of a step that did not expect one: record it as that step's failure.
    record('unexpected error', false, describe(err));
  }
  return steps;
}

function openSession(info: PlatformInfo, tenant: DemoTenant): Session {
  const session = { tenant } as Session;
  const credentials =
    info.phase >= 3
      ? {
          username: tenant.username ?? tenant.id,
          password: tenant.password ?? '',
        }
      : undefined;
  session.client = createClient({
    gatewayUrl: info.urls.gateway,
    apiKey: info.apiKey,
    credentials,
    onResponse: (r) => {
      session.last = r;
    },
  });
  return session;
}

/** Who a step is about: the wallet name when onboarding gave one, else the tenant id. */
const label = (s: Session): string => s.tenant.name ?? s.tenant.id;

/** `HTTP 201, request <id>` of the last answer the session's client received. */
const http = (s: Session): string =>
  `HTTP ${s.last?.status ?? '?'}${s.last?.requestId ? `, request ${s.last.requestId}` : ''}`;

function describe(err: unknown): string {
  if (isSecretFlowsError(err))
    return `${err.operation}: HTTP ${err.status} ${err.code}: ${err.detail}${err.requestId ? ` (request ${err.requestId})` : ''}`;
  return (err as Error).message ?? String(err);
}

async function login(s: Session, record: Record_): Promise<void> {
  const who = s.tenant.username ?? s.tenant.id;
  const loggedIn = await s.client.auth.login().catch((err: unknown) => err);
  if (loggedIn instanceof Error)
    record(
      `[${label(s)}] log in to Vault through the gateway (POST /auth/login/${who})`,
      false,
      describe(loggedIn),
    );
  const { policies } = loggedIn as { policies: string[] };
  record(
    `[${label(s)}] log in to Vault through the gateway (POST /auth/login/${who})`,
    true,
    `${http(s)}, token policies ${JSON.stringify(policies)}`,
  );
  const token = await s.client.auth.token().catch((err: unknown) => err);
  if (token instanceof Error)
    record(
      `[${label(s)}] fetch the tenant JWT (GET /auth/token)`,
      false,
      describe(token),
    );
  const { claims } = token as { claims: Record<string, unknown> };
  record(
    `[${label(s)}] fetch the tenant JWT (GET /auth/token)`,
    true,
    `${http(s)}, claims iss=${String(claims['iss'])} aud=${String(claims['aud'])} tenant_id=${String(claims['tenant_id'])}`,
  );
}

async function keyFlow(s: Session, record: Record_): Promise<void> {
  const key = await s.client.keys.create({ type: 'Ed25519' });
  record(
    `[${label(s)}] create an Ed25519 key (POST /cloud-agent/keys)`,
    !!key.id,
    `${http(s)}, ${key.did}`,
  );
  const payload = Buffer.from(
    `hello from ${label(s)} at ${new Date().toISOString()}`,
  );
  const sig = await s.client.keys.sign(key.id, {
    payload: payload.toString('base64url'),
  });
  record(
    `[${label(s)}] sign a payload (POST /cloud-agent/keys/{id}/sign)`,
    !!sig.signature,
    `${http(s)}, alg ${sig.alg}`,
  );
  const publicKey = crypto.createPublicKey({
    key: key.publicKeyJwk as crypto.JsonWebKey,
    format: 'jwk',
  });
  const valid = crypto.verify(
    null,
    payload,
    publicKey,
    Buffer.from(sig.signature, 'base64url'),
  );
  record(
    `[${label(s)}] verify the signature locally with publicKeyJwk`,
    valid,
    valid ? 'valid' : 'INVALID',
  );
}

async function secretFlow(s: Session, record: Record_): Promise<void> {
  const value = `demo secret of ${label(s)} ${crypto.randomBytes(6).toString('hex')}`;
  const put = await s.client.secrets.put('demo', { value });
  record(
    `[${label(s)}] write a secret (PUT /cloud-agent/secrets/demo)`,
    put.version >= 1,
    `${http(s)}, version ${put.version}`,
  );
  const got = await s.client.secrets.get('demo');
  const same = got.value === value;
  record(
    `[${label(s)}] read it back (GET /cloud-agent/secrets/demo)`,
    same,
    `${http(s)}, ${same ? 'same value' : 'DIFFERENT value'}`,
  );
}

/** Runs a call that must be refused with 404 `not_found`; says what happened instead otherwise. */
async function expectNotFound(
  call: Promise<unknown>,
): Promise<{ ok: boolean; detail: string }> {
  try {
    await call;
    return { ok: false, detail: 'HTTP 200: it was readable' };
  } catch (err) {
    if (isSecretFlowsError(err, 'not_found'))
      return {
        ok: true,
        detail: `HTTP 404 (refused, without saying whether it exists), request ${err.requestId}`,
      };
    return { ok: false, detail: describe(err) };
  }
}

async function crossTenantCheck(
  a: Session,
  b: Session,
  record: Record_,
): Promise<void> {
  const bKey = (await b.client.keys.list()).keys[0]?.id ?? crypto.randomUUID();
  const key = await expectNotFound(a.client.keys.get(bKey));
  record(
    `[${label(a)}] try to read ${label(b)}'s key with ${label(a)}'s JWT`,
    key.ok,
    key.detail,
  );
  // A name only B has: A's request resolves inside A's own tenant, and Vault would refuse A's
  // token on B's path anyway (the wallet never holds a token that could read it).
  const name = `private-${crypto.randomBytes(4).toString('hex')}`;
  await b.client.secrets.put(name, { value: `only for ${label(b)}` });
  record(
    `[${label(b)}] write a secret only ${label(b)} has (PUT /cloud-agent/secrets/${name})`,
    true,
    http(b),
  );
  const stolen = await expectNotFound(a.client.secrets.get(name));
  record(
    `[${label(a)}] try to read ${label(b)}'s secret with ${label(a)}'s JWT`,
    stolen.ok,
    stolen.detail,
  );
  await b.client.secrets.get(name);
  record(`[${label(b)}] still reads its secret`, true, http(b));
}
