import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@secret-flows/agent';
import fc from 'fast-check';
import pino from 'pino';
import {
  adminKeyGuard,
  bearerTenantResolver,
  createMemoryBackend,
} from './support/memory-backend';

// The agent's real app (routes, validation, body limits, error handler, helmet) over an in-memory
// backend, on a real loopback server: many runs in a few seconds.
const ADMIN_KEY = 'admin-key-for-hostile-input-tests';
const BODY_LIMIT_BYTES = 256 * 1024;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A raw request (no client-side normalisation of the path); undefined when Node refuses to send it. */
function send(
  port: number,
  req: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: string;
  },
): Promise<Reply | undefined> {
  // A body always goes with its length (or an explicit chunked encoding): a GET body without one
  // would be parsed by the server as a second, garbage request.
  const headers =
    req.body !== undefined && !req.headers['transfer-encoding']
      ? {
          ...req.headers,
          'content-length': String(Buffer.byteLength(req.body)),
        }
      : req.headers;
  return new Promise((resolve, reject) => {
    let out: http.ClientRequest;
    try {
      out = http.request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.path,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
    } catch {
      resolve(undefined); // e.g. a path or header Node itself refuses to put on the wire
      return;
    }
    out.on('error', reject);
    out.end(req.body);
  });
}

/** What every answer must satisfy, whatever was sent. */
function expectWellFormed(reply: Reply, method: string): void {
  expect(reply.status).toBeGreaterThanOrEqual(200);
  expect(reply.status).toBeLessThan(500);
  expect(reply.headers['x-powered-by']).toBeUndefined();
  expect(reply.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  // Node's own parser answers 431 (headers too large) before the app, with no body.
  if (reply.status === 431 || method === 'HEAD') return;
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
  if (reply.status >= 400) {
    expect(reply.headers['content-type']).toMatch(
      /^application\/problem\+json/,
    );
    const problem = JSON.parse(reply.text) as {
      status: number;
      code: string;
      requestId: string;
    };
    expect(problem.status).toBe(reply.status);
    expect(typeof problem.code).toBe('string');
    expect(typeof problem.requestId).toBe('string');
  }
}

const TRAVERSAL = [
  '..',
  '../..',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%2e%2e%2f',
  '.',
  '%00',
  '%',
  '%zz',
  '%c0%ae%c0%ae',
  '....//',
  'a/../../b',
  '..\\..\\windows',
  '%252e%252e',
  '%ff%fe',
  'a'.repeat(3000),
  '%E2%80%AE',
  '%0d%0aSet-Cookie:%20x=1',
];
const encoded = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return 'x'; // lone surrogate halves cannot be encoded; they cannot be sent either
  }
};
const segment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encoded),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encoded),
  fc.constantFrom(...TRAVERSAL),
  fc.uuid(),
  fc.constantFrom('ok', 'a/b', 'deep/er/name'),
);
const TEMPLATES = [
  '/keys',
  '/keys/{p}',
  '/keys/{p}/sign',
  '/secrets',
  '/secrets/{p}',
  '/secrets/{p}/{p}',
  '/wallets',
  '/wallets/{p}',
  '/_system/health',
  '/_system/ready',
  '/_system/{p}',
  '/{p}',
  '/{p}/{p}/{p}',
];
const query = fc.oneof(
  fc.constant(''),
  segment.map((v) => `?version=${v}`),
  fc
    .tuple(fc.integer(), fc.integer())
    .map(([o, l]) => `?offset=${o}&limit=${l}`),
  fc.constant('?version=1&version=2'),
  fc.tuple(segment, segment).map(([k, v]) => `?${k}=${v}`),
);
const anyValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    { value: anyValue, cas: fc.option(anyValue) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      type: fc.oneof(
        fc.constantFrom('Ed25519', 'secp256k1', 'P-256', 'ed25519', 'RSA', ''),
        anyValue,
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    { payload: fc.oneof(fc.base64String(), anyValue) },
    { requiredKeys: [] },
  ),
  fc.record(
    { name: anyValue, seed: anyValue, id: fc.oneof(fc.uuid(), anyValue) },
    { requiredKeys: [] },
  ),
  fc.constantFrom(
    { __proto__: { isAdmin: true } },
    { constructor: { prototype: { polluted: 1 } } },
  ),
);
const body = fc.oneof(
  fc.constant<{ type?: string; text?: string }>({}),
  jsonBody.map((v) => ({
    type: 'application/json',
    text: JSON.stringify(v) ?? 'null',
  })),
  fc
    .string({ unit: 'binary', maxLength: 200 })
    .map((text) => ({ type: 'application/json', text })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        '',
      ),
      fc.string({ maxLength: 100 }),
    )
    .map(([type, text]) => ({ type, text })),
);
const headers = fc.record({
  authorization: fc.option(
    fc.oneof(
      fc.constantFrom(
        'Bearer tenant-a',
        'Bearer tenant-b',
        'Bearer ',
        'Basic YTpi',
        'bearer tenant-a',
      ),
      fc.string({ maxLength: 80 }),
    ),
  ),
  admin: fc.option(
    fc.constantFrom(
      ADMIN_KEY,
      'wrong',
      '',
      ADMIN_KEY + ' ',
      ADMIN_KEY.toUpperCase(),
    ),
  ),
  huge: fc.option(fc.integer({ min: 1_000, max: 40_000 })),
});

describe('hostile input against every agent endpoint (in-process, property-based)', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    const app = buildApp({
      backend: createMemoryBackend(),
      tenantResolver: bearerTenantResolver,
      adminGuard: adminKeyGuard(ADMIN_KEY),
      tenancy: 'multi',
      logger: pino({ level: 'silent' }),
      metrics: {
        httpMetricsMiddleware: () => (_req, _res, next) => next(),
        metricsHandler: (_req, res) =>
          void res.type('text/plain').send('# metrics\n'),
      },
      version: '0.0.0-test',
      startedAt: new Date(),
      bodyLimitBytes: BODY_LIMIT_BYTES,
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('never answers 5xx, never leaks a stack, and answers every error with problem JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'GET',
          'POST',
          'PUT',
          'DELETE',
          'PATCH',
          'OPTIONS',
          'HEAD',
        ),
        fc.constantFrom(...TEMPLATES),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        query,
        body,
        headers,
        async (method, template, params, q, b, h) => {
          let i = 0;
          const path = template.replace(/\{p\}/g, () => params[i++] ?? 'x') + q;
          const sent: Record<string, string> = {};
          if (h.authorization !== null) sent['authorization'] = h.authorization;
          if (h.admin !== null) sent['x-admin-api-key'] = h.admin;
          if (h.huge !== null) sent['x-filler'] = 'a'.repeat(h.huge);
          if (b.type !== undefined) sent['content-type'] = b.type;
          const reply = await send(port, {
            method,
            path,
            headers: sent,
            body: b.text,
          });
          fc.pre(reply !== undefined);
          if (reply) expectWellFormed(reply, method);
        },
      ),
      { numRuns: 400 },
    );
    // Still alive and well after all of it.
    expect(
      (
        await send(port, {
          method: 'GET',
          path: '/_system/health',
          headers: {},
        })
      )?.status,
    ).toBe(200);
  });

  it('answers 413 problem JSON to every body over the limit on every route that takes one', async () => {
    const routes: Array<{
      method: string;
      path: string;
      headers: Record<string, string>;
      field: string;
    }> = [
      {
        method: 'PUT',
        path: '/secrets/big',
        headers: { authorization: 'Bearer tenant-a' },
        field: 'value',
      },
      {
        method: 'POST',
        path: '/keys',
        headers: { authorization: 'Bearer tenant-a' },
        field: 'type',
      },
      {
        method: 'POST',
        path: '/keys/00000000-0000-4000-8000-000000000000/sign',
        headers: { authorization: 'Bearer tenant-a' },
        field: 'payload',
      },
      {
        method: 'POST',
        path: '/wallets',
        headers: { 'x-admin-api-key': ADMIN_KEY },
        field: 'name',
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.integer({ min: BODY_LIMIT_BYTES + 1, max: BODY_LIMIT_BYTES * 4 }),
        fc.boolean(),
        async (route, size, chunked) => {
          const text = JSON.stringify({ [route.field]: 'x'.repeat(size) });
          const sent: Record<string, string> = {
            ...route.headers,
            'content-type': 'application/json',
          };
          if (chunked) sent['transfer-encoding'] = 'chunked';
          const reply = await send(port, {
            method: route.method,
            path: route.path,
            headers: sent,
            body: text,
          });
          expect(reply?.status).toBe(413);
          if (reply) expectWellFormed(reply, route.method);
          expect(JSON.parse(reply?.text ?? '{}')).toMatchObject({
            status: 413,
          });
        },
      ),
      { numRuns: 24 },
    );
  });

  it('refuses an oversized body from an anonymous client without reading it (401 before 413)', async () => {
    const reply = await send(port, {
      method: 'PUT',
      path: '/secrets/big',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'x'.repeat(BODY_LIMIT_BYTES * 2) }),
    });
    expect(reply?.status).toBe(401);
  });
});
