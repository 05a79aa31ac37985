import { Writable } from 'node:stream';
import type { Readiness } from '@secret-flows/contracts';
import { createLogger, createMetrics } from '@secret-flows/telemetry';
import { createWalletCore } from '@secret-flows/wallet-core';
import request from 'supertest';
import { buildApp } from '../src/app';
import { createSingleTenantDataAccess } from '../src/tenancy/tenant-data-access';
import { createFakeKv } from '@secret-flows/wallet-core/testing';
import { createFakeTenants } from './fakes/fake-tenants';
import { createServiceTokens, createTenantIssuer } from './fakes/token-issuers';

/**
 * The wallet app on fakes: a real-behaviour KV, real JWT verification with test keys, a log
 * captured in memory. Every request helper sends valid credentials unless told otherwise.
 */
export function createHarness(
  options: {
    readiness?: Readiness;
    now?: () => number;
    bodyLimitBytes?: number;
    tenantRateLimitPerMinute?: number;
  } = {},
) {
  const fake = createFakeKv();
  const fakeTenants = createFakeTenants();
  const tenants = createTenantIssuer({ now: options.now });
  const service = createServiceTokens();
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger({
    name: 'wallet',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  });
  const walletCore = createWalletCore({
    kvMount: 'secret',
    retryAfterSeconds: 5,
  });
  const app = buildApp({
    version: '1.2.3',
    logger,
    metrics: createMetrics({ serviceName: 'wallet', defaultMetrics: false }),
    serviceTokens: service.verifier,
    tenantTokens: tenants.verifier,
    tenantData: createSingleTenantDataAccess({
      walletCore,
      vault: { kvV2: () => fake.kv as never },
    }),
    readiness: {
      check: async () =>
        options.readiness ?? {
          status: 'ready',
          checks: { vault: { ok: true }, vaultToken: { ok: true } },
        },
    },
    bodyLimitBytes: options.bodyLimitBytes,
    tenantRateLimitPerMinute: options.tenantRateLimitPerMinute,
    tenants: fakeTenants.directory,
  });

  function as(tenantId = 'acme') {
    const tenantJwt = tenants.sign({ tenant_id: tenantId });
    const auth = (r: request.Test) =>
      r
        .set('X-Service-Token', service.signer.sign())
        .set('Authorization', `Bearer ${tenantJwt}`);
    return {
      get: (path: string) => auth(request(app).get(path)),
      post: (path: string) => auth(request(app).post(path)),
      put: (path: string) => auth(request(app).put(path)),
      delete: (path: string) => auth(request(app).delete(path)),
    };
  }

  return { app, fake, fakeTenants, tenants, service, logLines, as };
}

/** Asserts the RFC 9457 body every error must have. */
export function expectProblem(
  res: request.Response,
  status: number,
  code: string,
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    type: `urn:secret-flows:problem:${code}`,
    requestId: res.headers['x-request-id'],
  });
  expect(JSON.stringify(res.body)).not.toMatch(/stack|at \//);
}
