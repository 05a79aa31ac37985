import { isAppError } from '@secret-flows/contracts';
import { MatchersV3 } from '@pact-foundation/pact';
import type { Telemetry } from '@secret-flows/telemetry';
import {
  backendFor,
  createWalletPact,
  PROBLEM_HEADERS,
  problemBody,
  startTracing,
  walletHeaders,
} from './wallet-pact';

const { eachLike, regex, uuid, string } = MatchersV3;

const ISO_TIMESTAMP =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const WALLET_ID = '9b2f4e1a-6c3d-4f8e-b7a1-5d0c2e9f8a13';
const NEW_WALLET_ID = '3d6f0a2b-8e4c-4b1d-9f7a-1c5e2d8b4a60';
const timestamp = () => regex(ISO_TIMESTAMP, '2026-11-29T14:00:00.000Z');
const walletBody = (id: string, name: string) => ({
  id: uuid(id),
  name,
  createdAt: timestamp(),
  updatedAt: timestamp(),
});
// Tenant administration carries the service token only (scope tenants:admin), never a tenant JWT.
const adminHeaders = (body = false) => walletHeaders({ tenant: false, body });
const admin = { requestId: 'req-1' };
const HAS_WALLET = 'tenant acme exists';

describe('agent -> wallet: tenant administration (phase 4)', () => {
  const pact = createWalletPact();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTracing();
  });
  afterAll(() => telemetry.shutdown());

  it('creates a tenant and receives its login once', async () => {
    pact
      .given('no tenant exists', { id: NEW_WALLET_ID })
      .uponReceiving('a request to create a tenant')
      .withRequest({
        method: 'POST',
        path: '/v1/tenants',
        headers: adminHeaders(true),
        body: { name: 'globex', id: NEW_WALLET_ID },
      })
      .willRespondWith({
        status: 201,
        body: {
          ...walletBody(NEW_WALLET_ID, 'globex'),
          login: {
            username: string('globex'),
            password: string('example-password'),
          },
        },
      });
    await pact.executeTest(async (mock) => {
      const created = await backendFor(mock.url).tenants?.create(admin, {
        name: 'globex',
        id: NEW_WALLET_ID,
      });
      expect(created?.login?.password).toBeTruthy();
    });
  });

  it('maps a duplicate tenant id to conflict', async () => {
    pact
      .given(HAS_WALLET, { id: WALLET_ID })
      .uponReceiving('a request to create a tenant whose id exists')
      .withRequest({
        method: 'POST',
        path: '/v1/tenants',
        headers: adminHeaders(true),
        body: { name: 'acme', id: WALLET_ID },
      })
      .willRespondWith({
        status: 409,
        headers: PROBLEM_HEADERS,
        body: problemBody('conflict', 409),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .tenants?.create(admin, { name: 'acme', id: WALLET_ID })
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('conflict');
    });
  });

  it('lists tenants one page at a time', async () => {
    pact
      .given(HAS_WALLET, { id: WALLET_ID })
      .uponReceiving('a request to list tenants')
      .withRequest({
        method: 'GET',
        path: '/v1/tenants',
        query: { offset: '0', limit: '10' },
        headers: adminHeaders(),
      })
      .willRespondWith({
        status: 200,
        body: {
          contents: eachLike(walletBody(WALLET_ID, 'acme')),
          kind: 'WalletPage',
          self: string('/v1/tenants?offset=0&limit=10'),
          pageOf: string('/v1/tenants'),
        },
      });
    await pact.executeTest(async (mock) => {
      const page = await backendFor(mock.url).tenants?.list(admin, {
        offset: 0,
        limit: 10,
      });
      expect(page?.contents.length).toBeGreaterThan(0);
    });
  });

  it('reads one tenant', async () => {
    pact
      .given(HAS_WALLET, { id: WALLET_ID })
      .uponReceiving('a request to read a tenant')
      .withRequest({
        method: 'GET',
        path: `/v1/tenants/${WALLET_ID}`,
        headers: adminHeaders(),
      })
      .willRespondWith({ status: 200, body: walletBody(WALLET_ID, 'acme') });
    await pact.executeTest(async (mock) => {
      expect(
        (await backendFor(mock.url).tenants?.get(admin, WALLET_ID))?.name,
      ).toBe('acme');
    });
  });

  it('maps a missing tenant to not_found', async () => {
    pact
      .given('no tenant exists', { id: NEW_WALLET_ID })
      .uponReceiving('a request to read a tenant that does not exist')
      .withRequest({
        method: 'GET',
        path: `/v1/tenants/${NEW_WALLET_ID}`,
        headers: adminHeaders(),
      })
      .willRespondWith({
        status: 404,
        headers: PROBLEM_HEADERS,
        body: problemBody('not_found', 404),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .tenants?.get(admin, NEW_WALLET_ID)
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('not_found');
    });
  });

  it('deletes a tenant', async () => {
    pact
      .given(HAS_WALLET, { id: WALLET_ID })
      .uponReceiving('a request to delete a tenant')
      .withRequest({
        method: 'DELETE',
        path: `/v1/tenants/${WALLET_ID}`,
        headers: adminHeaders(),
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (mock) => {
      await expect(
        backendFor(mock.url).tenants?.delete(admin, WALLET_ID),
      ).resolves.toBeUndefined();
    });
  });
});
