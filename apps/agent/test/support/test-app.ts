import { checkApiKey } from '@secret-flows/auth';
import { createMetrics } from '@secret-flows/telemetry';
import type { Express } from 'express';
import pino from 'pino';
import { buildApp } from '../../src/app';
import type { AdminKeySource } from '../../src/config';
import { createAdminGuard } from '../../src/http/admin-guard';
import {
  createSingleTenantResolver,
  type TenantResolver,
} from '../../src/tenant/tenant-resolver';
import {
  createFakeSecretBackend,
  type FakeSecretBackend,
} from '../fakes/fake-secret-backend';

export const ADMIN_KEY = 'admin-key-for-tests-0123456789';
export const STARTED_AT = new Date('2026-01-02T03:04:05.000Z');

export interface TestAppOptions {
  tenancy?: 'single' | 'multi';
  resolver?: TenantResolver;
  adminKey?: AdminKeySource;
  bodyLimitBytes?: number;
  isDraining?: () => boolean;
}

/** The agent's real app (real admin-key check, real metrics) over the fake backend. */
export function createTestApp(options: TestAppOptions = {}): {
  app: Express;
  fake: FakeSecretBackend;
} {
  const fake = createFakeSecretBackend();
  const app = buildApp({
    backend: fake.backend,
    tenantResolver: options.resolver ?? createSingleTenantResolver(),
    adminGuard: createAdminGuard({
      source: options.adminKey ?? { kind: 'value', value: ADMIN_KEY },
      compare: checkApiKey,
    }),
    tenancy: options.tenancy ?? 'single',
    logger: pino({ level: 'silent' }),
    metrics: createMetrics({
      serviceName: 'agent-test',
      defaultMetrics: false,
    }),
    version: '9.9.9-test',
    startedAt: STARTED_AT,
    bodyLimitBytes: options.bodyLimitBytes,
    isDraining: options.isDraining,
  });
  return { app, fake };
}
