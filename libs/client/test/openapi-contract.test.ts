import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import {
  createClient,
  SDK_OPERATIONS,
  type OperationName,
  type SecretFlowsClient,
} from '../src';
import { AGENT_PREFIX } from '../src/operations';
import { fakePlatform, json, type Seen } from './fake-platform';

// Contract tests of the SDK against the agent's committed OpenAPI document (docs/api), the
// document application developers read: every call the SDK makes must be an operation there,
// with the same method, path, parameters and success status, a request body that validates
// against the documented schema, the documented credentials, and a documented response body
// that the SDK's (contract-derived) types describe.

type OpenApi = {
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: Array<Record<string, string[]>>;
};

const DOC_PATH = path.resolve(
  __dirname,
  '../../../docs/api/agent.openapi.json',
);
const doc = JSON.parse(fs.readFileSync(DOC_PATH, 'utf8')) as OpenApi;
const ajv = new Ajv2020({
  strict: false,
  validateFormats: false,
  allErrors: true,
});
ajv.addSchema(doc, 'agent');
// Inline schemas point at components with local refs; resolve them in the registered document.
const compile = (schema: unknown) =>
  ajv.compile(
    JSON.parse(
      JSON.stringify(schema).replace(
        /"#\/components\//g,
        '"agent#/components/',
      ),
    ),
  );

const KEY_ID = '6f1c2b8e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';
const WALLET_ID = '0b5a7f7e-58c4-4b4c-8b0e-0f5b9d0f7a11';
const key = {
  id: KEY_ID,
  type: 'Ed25519',
  did: 'did:key:z6MkoL4YEQm5U8s7ah9w8p9s3xu997MQyEtkjkDyfFACUKmD',
  publicKeyJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
  },
  createdAt: '2026-11-29T14:00:00.123Z',
};
const wallet = {
  id: WALLET_ID,
  name: 'alice',
  createdAt: '2026-11-29T14:00:00Z',
  updatedAt: '2026-11-29T14:00:00Z',
};

/** One call per SDK operation, and the body a conforming agent answers it with. */
const CALLS: Record<
  OperationName,
  { run: (c: SecretFlowsClient) => Promise<unknown>; answer?: unknown }
> = {
  'keys.create': {
    run: (c) => c.keys.create({ type: 'Ed25519' }),
    answer: key,
  },
  'keys.list': { run: (c) => c.keys.list(), answer: { keys: [key] } },
  'keys.get': { run: (c) => c.keys.get(KEY_ID), answer: key },
  'keys.sign': {
    run: (c) => c.keys.sign(KEY_ID, { payload: 'aGVsbG8' }),
    answer: { alg: 'EdDSA', signature: 'c2lnbmF0dXJl' },
  },
  'keys.delete': { run: (c) => c.keys.delete(KEY_ID) },
  'keys.rotate': {
    run: (c) => c.keys.rotate(KEY_ID),
    answer: { ...key, custody: 'vault-transit' },
  },
  'secrets.put': {
    run: (c) => c.secrets.put('app/db-password', { value: 's3cret', cas: 1 }),
    answer: { name: 'app/db-password', version: 2 },
  },
  'secrets.get': {
    run: (c) => c.secrets.get('app/db-password', { version: 1 }),
    answer: {
      name: 'app/db-password',
      value: 's3cret',
      version: 1,
      createdAt: '2026-11-29T14:00:00Z',
    },
  },
  'secrets.list': {
    run: (c) => c.secrets.list({ limit: 10, cursor: 'app' }),
    answer: { names: ['app/db-password'] },
  },
  'secrets.delete': { run: (c) => c.secrets.delete('app/db-password') },
  'admin.wallets.create': {
    run: (c) => c.admin.wallets.create({ name: 'alice' }),
    answer: { ...wallet, login: { username: 'alice', password: 'generated' } },
  },
  'admin.wallets.list': {
    run: (c) => c.admin.wallets.list({ offset: 0, limit: 10 }),
    answer: {
      contents: [wallet],
      kind: 'WalletPage',
      self: '/wallets?offset=0&limit=10',
      pageOf: '/wallets',
    },
  },
  'admin.wallets.get': {
    run: (c) => c.admin.wallets.get(WALLET_ID),
    answer: wallet,
  },
  'admin.wallets.delete': { run: (c) => c.admin.wallets.delete(WALLET_ID) },
  'system.health': {
    run: (c) => c.system.health(),
    answer: { status: 'ok', version: '0.1.0' },
  },
};

/** The OpenAPI operation a concrete request path and method land on. */
function findOperation(
  method: string,
  requestPath: string,
): { template: string; op: Operation } | undefined {
  const agentPath = requestPath.slice(AGENT_PREFIX.length);
  for (const [template, ops] of Object.entries(doc.paths)) {
    const op = ops[method.toLowerCase()];
    if (!op) continue;
    // `{name}` (secret names) may span segments (allowReserved); other parameters are one segment.
    const pattern = template.replace(/\{(\w+)\}/g, (_m, n: string) =>
      n === 'name' ? '(.+)' : '([^/]+)',
    );
    if (new RegExp(`^${pattern}$`).test(agentPath)) return { template, op };
  }
  return undefined;
}

describe.each(Object.keys(CALLS) as OperationName[])(
  'SDK call %s against docs/api/agent.openapi.json',
  (name) => {
    const route = SDK_OPERATIONS[name];
    const { run, answer } = CALLS[name];
    let seen: Seen;
    let result: unknown;

    beforeAll(async () => {
      const p = fakePlatform({
        routes: () =>
          answer === undefined
            ? new Response(null, { status: route.status })
            : json(route.status, answer),
      });
      const c = createClient({
        gatewayUrl: 'http://gw.test',
        apiKey: 'api-key',
        adminApiKey: 'admin-key',
        credentials: { username: 'demo', password: 'pw' },
        fetch: p.fetch,
        clock: p.clock,
      });
      result = await run(c);
      const agentCalls = p.seen.filter((s) => s.path.startsWith(AGENT_PREFIX));
      expect(agentCalls).toHaveLength(1);
      seen = agentCalls[0];
    });

    it('is a documented operation with the same operationId', () => {
      const found = findOperation(seen.method, seen.path);
      expect(found).toBeDefined();
      expect(found?.op.operationId).toBe(route.operationId);
      expect(found?.template).toBe(route.path);
    });

    it('sends only documented query parameters and a body valid against the documented request schema', () => {
      const op = findOperation(seen.method, seen.path)?.op as Operation;
      const documented = new Set(
        (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name),
      );
      for (const q of seen.query.keys()) expect(documented).toContain(q);
      if (seen.body === undefined) {
        expect(op.requestBody).toBeUndefined();
      } else {
        const validate = compile(
          op.requestBody?.content['application/json'].schema,
        );
        expect(validate(seen.body) || validate.errors).toBe(true);
      }
    });

    it('sends the credentials the operation documents', () => {
      const op = findOperation(seen.method, seen.path)?.op as Operation;
      const schemes = new Set(
        (op.security ?? []).flatMap((r) => Object.keys(r)),
      );
      // The gateway's key-auth guards every /cloud-agent route, the probes included.
      expect(seen.headers['apikey']).toBe('api-key');
      expect('x-admin-api-key' in seen.headers).toBe(
        schemes.has('adminApiKey'),
      );
      if (seen.headers['authorization'])
        expect(schemes.has('bearerJwt')).toBe(true);
      if (schemes.has('bearerJwt'))
        expect(seen.headers['authorization']).toMatch(/^Bearer /);
    });

    it('expects the documented success status, whose body the SDK types describe', () => {
      const op = findOperation(seen.method, seen.path)?.op as Operation;
      const documented = op.responses[String(route.status)];
      expect(documented).toBeDefined();
      const media = documented.content?.['application/json'];
      if (!('response' in route) || route.response === undefined) {
        expect(media).toBeUndefined();
        expect(result).toBeUndefined();
        return;
      }
      const validate = compile(media?.schema);
      expect(validate(answer) || validate.errors).toBe(true);
      // The SDK's return type is z.infer of this schema: the documented body parses with it.
      expect(route.response.parse(answer)).toEqual(answer);
      expect(result).toEqual(answer);
    });

    it('documents each error code as problem JSON', () => {
      const op = findOperation(seen.method, seen.path)?.op as Operation;
      const errors = Object.entries(op.responses).filter(
        ([status]) => Number(status) >= 400,
      );
      expect(errors.length).toBeGreaterThan(0);
      for (const [, response] of errors)
        expect(Object.keys(response.content ?? {})).toEqual([
          'application/problem+json',
        ]);
    });
  },
);

it('covers every documented tenant and admin operation (only the probes are left out)', () => {
  const documented = Object.values(doc.paths).flatMap((ops) =>
    Object.values(ops).map((op) => op.operationId),
  );
  const covered = new Set(
    Object.values(SDK_OPERATIONS).map((r) => r.operationId),
  );
  expect(documented.filter((id) => !covered.has(id)).sort()).toEqual([
    'getMetrics',
    'getReadiness',
  ]);
});
