import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import { createWalletCore } from '@secret-flows/wallet-core';
import { createHarness } from '../test/http-harness';

// Provider side of the agent's consumer pact (pacts/agent-wallet.json, apps/agent/test/pact):
// the real routes, auth and error mapping of buildApp on the real-behaviour KV fake; the pact's
// example tokens are replaced with valid ones for the state's tenant.
const PACT_FILE = path.resolve(__dirname, '../../../pacts/agent-wallet.json');
// Tenant administration (/v1/tenants) runs on the in-memory tenant directory here; the real one
// is proven against vault-dev (tenants/tenant-directory.contract.test.ts) and end to end.
const ADMIN_PATHS = /^\/v1\/tenants/;

jest.setTimeout(60_000);

describe('wallet as the Pact provider for the agent', () => {
  const h = createHarness();
  const core = createWalletCore({ kvMount: 'secret' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wallet-pact-'));
  let server: Server;
  let tenantId = 'default';

  beforeAll(async () => {
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('honours every wallet interaction the agent relies on', async () => {
    const pact = JSON.parse(fs.readFileSync(PACT_FILE, 'utf8')) as {
      interactions: { request: { path: string } }[];
    };
    expect(
      pact.interactions.filter((i) => ADMIN_PATHS.test(i.request.path)).length,
    ).toBeGreaterThanOrEqual(6);
    const pactFile = path.join(dir, 'agent-wallet.json');
    fs.writeFileSync(pactFile, JSON.stringify(pact));

    const tenantWallet = () => core.forTenant(tenantId, h.fake.kv);
    const forTenant = (params: unknown) => {
      h.fake.reset();
      tenantId = String(
        (params as { tenantId?: string } | undefined)?.tenantId ?? 'default',
      );
    };

    await new Verifier({
      provider: 'wallet',
      providerBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      pactUrls: [pactFile],
      logLevel: 'warn',
      requestFilter: (req, _res, next) => {
        // What the agent sends: the tenants:admin scope only on tenant administration.
        req.headers['x-service-token'] = ADMIN_PATHS.test(req.path)
          ? h.service.signer.sign({ scope: 'tenants:admin' })
          : h.service.signer.sign();
        if (req.headers.authorization)
          req.headers.authorization = `Bearer ${h.tenants.sign({ tenant_id: tenantId })}`;
        next();
      },
      stateHandlers: {
        'the wallet is ready': async () => undefined,
        'tenant acme exists': async (params?: unknown) => {
          h.fakeTenants.reset();
          h.fakeTenants.add({
            id: String((params as { id: string }).id),
            name: 'acme',
          });
          return undefined;
        },
        'no tenant exists': async () => {
          h.fakeTenants.reset();
          return undefined;
        },
        'tenant exists': async (params?: unknown) => {
          forTenant(params);
          return undefined;
        },
        'tenant has an Ed25519 key': async (params?: unknown) => {
          forTenant(params);
          return { keyId: (await tenantWallet().keys.create('Ed25519')).id };
        },
        'tenant has secret db/password with value s3cret at version 1': async (
          params?: unknown,
        ) => {
          forTenant(params);
          await tenantWallet().secrets.put('db/password', 's3cret', 0);
          return undefined;
        },
        'tenant has secrets db/password and db/user': async (
          params?: unknown,
        ) => {
          forTenant(params);
          await tenantWallet().secrets.put('db/password', 's3cret');
          await tenantWallet().secrets.put('db/user', 'admin');
          return undefined;
        },
      },
    }).verifyProvider();
  });
});
