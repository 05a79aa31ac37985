import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateServiceKeyPair } from '@secret-flows/auth';
import type { AgentConfig } from './config';

// Vault code must never enter the agent process in wallet mode (docs/architecture.md). Each watched
// module is replaced by a recording pass-through, so the test sees every require of it, however
// indirect, while the real module still does its work.
const WATCHED = [
  '@secret-flows/vault-client',
  '@secret-flows/wallet-core',
  '@secret-flows/agent-vault-backend',
];

function composeRecordingLoads(config: AgentConfig): {
  loaded: string[];
  close: () => Promise<void>;
} {
  const loaded: string[] = [];
  let close: () => Promise<void> = async () => undefined;
  jest.isolateModules(() => {
    for (const name of WATCHED) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    const { createDependencies } =
      require('./compose') as typeof import('./compose');
    close = createDependencies(config).close;
  });
  return { loaded, close };
}

describe('agent composition', () => {
  let dir: string;
  let keyFile: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-compose-'));
    keyFile = path.join(dir, 'service-key.pem');
    fs.writeFileSync(keyFile, generateServiceKeyPair().privateKeyPem);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => jest.resetModules());

  const base = {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    serviceName: 'agent',
    shutdownTimeoutMs: 1000,
    limits: {
      maxInflightRequests: 128,
      maxInflightBodyBytes: 4 << 20,
      bodyTimeoutMs: 10_000,
    },
    adminKey: { kind: 'none' },
  } as const;

  it('never loads vault-client, wallet-core or the vault adapter in wallet mode', async () => {
    const { loaded, close } = composeRecordingLoads({
      ...base,
      tenancy: 'multi',
      backend: {
        kind: 'wallet',
        url: 'http://127.0.0.1:9',
        timeoutMs: 1000,
        tenantJwt: {
          jwksUrl: 'http://127.0.0.1:9/keys',
          issuer: 'iss',
          audience: 'agent',
          tenantClaim: 'tenant_id',
        },
        serviceJwt: { privateKeyFile: keyFile, keyId: 'agent-1' },
      },
    });
    await close();
    expect(loaded).toEqual([]);
  });

  it('exposes the JWKS fetch count of the tenant JWT verifier as a metric in wallet mode', async () => {
    const { createDependencies } =
      require('./compose') as typeof import('./compose');
    const deps = createDependencies({
      ...base,
      tenancy: 'single',
      backend: {
        kind: 'wallet',
        url: 'http://127.0.0.1:9',
        timeoutMs: 1000,
        tenantJwt: {
          jwksUrl: 'http://127.0.0.1:9/keys',
          issuer: 'iss',
          audience: 'agent',
          tenantClaim: 'tenant_id',
        },
        serviceJwt: { privateKeyFile: keyFile, keyId: 'agent-1' },
      },
    });
    try {
      expect(
        await deps.metrics.registry.getSingleMetricAsString(
          'tenant_jwks_fetches',
        ),
      ).toMatch(/^tenant_jwks_fetches\{service="agent"\} 0$/m);
    } finally {
      await deps.close();
    }
  });

  it('loads the vault adapter (and with it vault-client and wallet-core) in vault mode', async () => {
    const { loaded, close } = composeRecordingLoads({
      ...base,
      tenancy: 'single',
      backend: {
        kind: 'vault',
        address: 'http://127.0.0.1:9',
        timeoutMs: 1000,
        kvMount: 'secret',
        auth: { method: 'token', token: 'root' },
      },
    });
    await close();
    expect([...loaded].sort()).toEqual([...WATCHED].sort());
  });
});
