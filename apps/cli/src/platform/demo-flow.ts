import * as crypto from 'node:crypto';
import type { PlatformInfo } from './platform-file';
import type { DemoTenant } from './demo-tenants';

export interface DemoStep {
  step: string;
  ok: boolean;
  detail: string;
}

interface Session {
  info: PlatformInfo;
  tenant: DemoTenant;
  jwt?: string;
}

type Print = (step: DemoStep) => void;

/**
 * The phase's whole flow through the gateway, as an application would run it: (phases 3-4) log
 * in and fetch the JWT, then create a key, sign, verify locally, write and read a secret; in
 * phase 4 also prove that one tenant cannot reach another's secret. Returns every step.
 */
export async function runDemo(info: PlatformInfo, print: Print = () => undefined): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const record = (step: string, ok: boolean, detail: string) => {
    const s = { step, ok, detail };
    steps.push(s);
    print(s);
    if (!ok) throw Object.assign(new Error(`${step}: ${detail}`), { steps });
  };
  const tenants = info.phase === 4 ? info.tenants.slice(0, 2) : info.tenants.slice(0, 1);
  const sessions: Session[] = [];
  for (const tenant of tenants) {
    const session: Session = { info, tenant };
    if (info.phase >= 3) session.jwt = await login(session, record);
    await keyFlow(session, record);
    await secretFlow(session, record);
    sessions.push(session);
  }
  if (info.phase === 4 && sessions.length === 2) await crossTenantCheck(sessions[0], sessions[1], record);
  return steps;
}

type Record_ = (step: string, ok: boolean, detail: string) => void;

/** Who a step is about: the wallet name when onboarding gave one, else the tenant id. */
const label = (s: Session): string => s.tenant.name ?? s.tenant.id;

async function login(s: Session, record: Record_): Promise<string> {
  const who = s.tenant.username ?? s.tenant.id;
  const res = await call(s, 'POST', `/auth/login/${encodeURIComponent(who)}`, { password: s.tenant.password }, { auth: false });
  const vaultToken = (res.body as { auth?: { client_token?: string } }).auth?.client_token;
  record(`[${label(s)}] log in to Vault through the gateway (POST /auth/login/${who})`, res.status === 200 && !!vaultToken, `HTTP ${res.status}, token policies ${JSON.stringify((res.body as { auth?: { policies?: string[] } }).auth?.policies ?? [])}`);
  const tok = await call(s, 'GET', '/auth/token', undefined, { auth: false, headers: { 'x-vault-token': vaultToken as string } });
  const jwt = (tok.body as { data?: { token?: string } }).data?.token;
  const claims = jwt ? (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>) : {};
  record(`[${label(s)}] fetch the tenant JWT (GET /auth/token)`, tok.status === 200 && !!jwt, `HTTP ${tok.status}, claims iss=${String(claims['iss'])} aud=${String(claims['aud'])} tenant_id=${String(claims['tenant_id'])}`);
  return jwt as string;
}

async function keyFlow(s: Session, record: Record_): Promise<void> {
  const created = await call(s, 'POST', '/cloud-agent/keys', { type: 'Ed25519' });
  const key = created.body as { id?: string; did?: string; publicKeyJwk?: crypto.JsonWebKey };
  record(`[${label(s)}] create an Ed25519 key (POST /cloud-agent/keys)`, created.status === 201 && !!key.id, `HTTP ${created.status}, ${key.did ?? ''}`);
  const payload = Buffer.from(`hello from ${label(s)} at ${new Date().toISOString()}`);
  const signed = await call(s, 'POST', `/cloud-agent/keys/${key.id}/sign`, { payload: payload.toString('base64url') });
  const sig = signed.body as { alg?: string; signature?: string };
  record(`[${label(s)}] sign a payload (POST /cloud-agent/keys/{id}/sign)`, signed.status === 200 && !!sig.signature, `HTTP ${signed.status}, alg ${sig.alg}`);
  const publicKey = crypto.createPublicKey({ key: key.publicKeyJwk as crypto.JsonWebKey, format: 'jwk' });
  const valid = crypto.verify(null, payload, publicKey, Buffer.from(sig.signature ?? '', 'base64url'));
  record(`[${label(s)}] verify the signature locally with publicKeyJwk`, valid, valid ? 'valid' : 'INVALID');
}

async function secretFlow(s: Session, record: Record_): Promise<void> {
  const value = `demo secret of ${label(s)} ${crypto.randomBytes(6).toString('hex')}`;
  const put = await call(s, 'PUT', '/cloud-agent/secrets/demo', { value });
  record(`[${label(s)}] write a secret (PUT /cloud-agent/secrets/demo)`, put.status === 200, `HTTP ${put.status}, version ${String((put.body as { version?: number }).version)}`);
  const got = await call(s, 'GET', '/cloud-agent/secrets/demo');
  const same = (got.body as { value?: string }).value === value;
  record(`[${label(s)}] read it back (GET /cloud-agent/secrets/demo)`, got.status === 200 && same, `HTTP ${got.status}, ${same ? 'same value' : 'DIFFERENT value'}`);
}

async function crossTenantCheck(a: Session, b: Session, record: Record_): Promise<void> {
  const keys = await call(b, 'GET', '/cloud-agent/keys');
  const bKey = ((keys.body as { keys?: Array<{ id: string }> }).keys ?? [])[0]?.id;
  const res = await call(a, 'GET', `/cloud-agent/keys/${bKey}`);
  record(`[${label(a)}] try to read ${label(b)}'s key with ${label(a)}'s JWT`, res.status === 404, `HTTP ${res.status} (refused, without saying whether it exists)`);
  // A name only B has: A's request resolves inside A's own tenant, and Vault would refuse A's
  // token on B's path anyway (the wallet never holds a token that could read it).
  const name = `private-${crypto.randomBytes(4).toString('hex')}`;
  const put = await call(b, 'PUT', `/cloud-agent/secrets/${name}`, { value: `only for ${label(b)}` });
  record(`[${label(b)}] write a secret only ${label(b)} has (PUT /cloud-agent/secrets/${name})`, put.status === 200, `HTTP ${put.status}`);
  const stolen = await call(a, 'GET', `/cloud-agent/secrets/${name}`);
  record(`[${label(a)}] try to read ${label(b)}'s secret with ${label(a)}'s JWT`, stolen.status === 404, `HTTP ${stolen.status} (refused, without saying whether it exists)`);
  const own = await call(b, 'GET', `/cloud-agent/secrets/${name}`);
  record(`[${label(b)}] still reads its secret`, own.status === 200, `HTTP ${own.status}`);
}

async function call(
  s: Session,
  method: string,
  path: string,
  body?: unknown,
  opts: { auth?: boolean; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth !== false) {
    headers['apikey'] = s.info.apiKey;
    if (s.jwt) headers['authorization'] = `Bearer ${s.jwt}`;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.info.urls.gateway}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text for the step detail.
  }
  return { status: res.status, body: parsed ?? {} };
}
