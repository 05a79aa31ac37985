import * as path from 'node:path';
import { generateServiceKeyPair } from '@secret-flows/auth';
import { MatchersV3, PactV3 } from '@pact-foundation/pact';
import {
  initTelemetry,
  instrumentAxios,
  type Telemetry,
} from '@secret-flows/telemetry';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createServiceTokenSource } from '../../src/backend/wallet-http/service-token';
import { createWalletHttpBackend } from '../../src/backend/wallet-http/wallet-http-backend';
import type {
  SecretBackend,
  TenantContext,
} from '../../src/backend/secret-backend';

const { regex } = MatchersV3;

/** The tenant every tenant-scoped interaction acts for; provider states create it. */
export const TENANT_ID = '7c4a6e0e-1b8f-4d3c-9a55-2f3e8d1c0b6a';

const JWT = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';
// Example values written into the pact; the provider substitutes real tokens (see apps/agent/README.md).
const EXAMPLE_JWT =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImV4YW1wbGUifQ.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl';
/** A JWT-shaped tenant token: the agent forwards the verified token verbatim. */
export const TENANT_JWT = EXAMPLE_JWT;

export const pactDir = path.resolve(__dirname, '../../../../pacts');

export function createWalletPact(): PactV3 {
  return new PactV3({
    consumer: 'agent',
    provider: 'wallet',
    dir: pactDir,
    logLevel: 'warn',
  });
}

/** Headers on every wallet call; `tenant` adds the forwarded tenant JWT. */
export function walletHeaders(options: { tenant: boolean; body?: boolean }) {
  return {
    'x-service-token': regex(`^${JWT}$`, EXAMPLE_JWT),
    'x-request-id': regex('^[A-Za-z0-9._-]{1,128}$', 'req-1'),
    traceparent: regex(
      '^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]$',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ),
    ...(options.tenant
      ? { authorization: regex(`^Bearer ${JWT}$`, `Bearer ${EXAMPLE_JWT}`) }
      : {}),
    ...(options.body
      ? {
          'content-type': regex('^application/json(;.*)?$', 'application/json'),
        }
      : {}),
  };
}

export const problemBody = (code: string, status: number) => ({
  type: MatchersV3.string(`urn:secret-flows:problem:${code}`),
  title: MatchersV3.string('Problem'),
  status,
  code,
  requestId: MatchersV3.string('req-1'),
});

export const PROBLEM_HEADERS = {
  'Content-Type': regex(
    '^application/problem\\+json(;.*)?$',
    'application/problem+json',
  ),
};

export const tenantContext: TenantContext = {
  tenantId: TENANT_ID,
  bearerToken: TENANT_JWT,
  requestId: 'req-1',
};

/** The agent's real wallet-http backend pointed at the Pact mock, with tracing on so traceparent is sent. */
export function startTracing(): Telemetry {
  return initTelemetry({
    serviceName: 'agent-pact',
    exporter: new InMemorySpanExporter(),
  });
}

export function backendFor(mockUrl: string): SecretBackend {
  const { privateKeyPem, keyId } = generateServiceKeyPair();
  return createWalletHttpBackend({
    baseUrl: mockUrl,
    timeoutMs: 5000,
    serviceToken: createServiceTokenSource({ privateKeyPem, keyId }),
    instrument: (instance) => instrumentAxios(instance),
  });
}
