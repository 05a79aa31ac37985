import { isAppError } from '@secret-flows/contracts';
import { MatchersV3 } from '@pact-foundation/pact';
import type { Telemetry } from '@secret-flows/telemetry';
import {
  backendFor,
  createWalletPact,
  PROBLEM_HEADERS,
  problemBody,
  startTracing,
  tenantContext,
  TENANT_ID,
  walletHeaders,
} from './wallet-pact';

const { eachLike, regex, integer, string } = MatchersV3;

const ISO_TIMESTAMP =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const NAME = 'db/password';
// Each '/'-separated segment is its own path segment on the wire (no %2F).
const PATH = '/v1/secrets/db/password';
const HAS_SECRET =
  'tenant has secret db/password with value s3cret at version 1';

describe('agent -> wallet: secrets', () => {
  const pact = createWalletPact();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTracing();
  });
  afterAll(() => telemetry.shutdown());

  it('writes a secret whose name has a slash', async () => {
    pact
      .given('tenant exists', { tenantId: TENANT_ID })
      .uponReceiving('a request to write a secret')
      .withRequest({
        method: 'PUT',
        path: PATH,
        headers: walletHeaders({ tenant: true, body: true }),
        body: { value: 's3cret' },
      })
      .willRespondWith({
        status: 200,
        body: { name: NAME, version: integer(1) },
      });
    await pact.executeTest(async (mock) => {
      expect(
        await backendFor(mock.url).secrets.put(tenantContext, NAME, {
          value: 's3cret',
        }),
      ).toEqual({ name: NAME, version: 1 });
    });
  });

  it('maps a lost check-and-set to conflict', async () => {
    pact
      .given(HAS_SECRET, { tenantId: TENANT_ID })
      .uponReceiving('a create-only write of a secret that exists')
      .withRequest({
        method: 'PUT',
        path: PATH,
        headers: walletHeaders({ tenant: true, body: true }),
        body: { value: 'other', cas: 0 },
      })
      .willRespondWith({
        status: 409,
        headers: PROBLEM_HEADERS,
        body: problemBody('conflict', 409),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .secrets.put(tenantContext, NAME, { value: 'other', cas: 0 })
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('conflict');
    });
  });

  it('reads the latest version of a secret', async () => {
    pact
      .given(HAS_SECRET, { tenantId: TENANT_ID })
      .uponReceiving('a request to read a secret')
      .withRequest({
        method: 'GET',
        path: PATH,
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 200,
        body: {
          name: NAME,
          value: 's3cret',
          version: integer(1),
          createdAt: regex(ISO_TIMESTAMP, '2026-11-29T14:00:00.000Z'),
        },
      });
    await pact.executeTest(async (mock) => {
      expect(
        (await backendFor(mock.url).secrets.get(tenantContext, NAME)).value,
      ).toBe('s3cret');
    });
  });

  it('reads a given version of a secret', async () => {
    pact
      .given(HAS_SECRET, { tenantId: TENANT_ID })
      .uponReceiving('a request to read version 1 of a secret')
      .withRequest({
        method: 'GET',
        path: PATH,
        query: { version: '1' },
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 200,
        body: {
          name: NAME,
          value: 's3cret',
          version: 1,
          createdAt: regex(ISO_TIMESTAMP, '2026-11-29T14:00:00.000Z'),
        },
      });
    await pact.executeTest(async (mock) => {
      expect(
        (await backendFor(mock.url).secrets.get(tenantContext, NAME, 1))
          .version,
      ).toBe(1);
    });
  });

  it('maps a missing secret to not_found', async () => {
    pact
      .given('tenant exists', { tenantId: TENANT_ID })
      .uponReceiving('a request to read a secret that does not exist')
      .withRequest({
        method: 'GET',
        path: '/v1/secrets/missing',
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 404,
        headers: PROBLEM_HEADERS,
        body: problemBody('not_found', 404),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .secrets.get(tenantContext, 'missing')
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('not_found');
    });
  });

  it("lists the tenant's secret names", async () => {
    pact
      .given(HAS_SECRET, { tenantId: TENANT_ID })
      .uponReceiving('a request to list secret names')
      .withRequest({
        method: 'GET',
        path: '/v1/secrets',
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 200,
        body: { names: eachLike(string(NAME)) },
      });
    await pact.executeTest(async (mock) => {
      expect(
        (await backendFor(mock.url).secrets.list(tenantContext)).names,
      ).toContain(NAME);
    });
  });

  it('lists one page of names and where the next page starts', async () => {
    pact
      .given('tenant has secrets db/password and db/user', {
        tenantId: TENANT_ID,
      })
      .uponReceiving('a request for the first page of one secret name')
      .withRequest({
        method: 'GET',
        path: '/v1/secrets',
        query: { limit: '1' },
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 200,
        body: {
          names: [NAME],
          next: regex('^[A-Za-z0-9_-]+$', 'ZGIvcGFzc3dvcmQ'),
        },
      });
    await pact.executeTest(async (mock) => {
      const page = await backendFor(mock.url).secrets.list(tenantContext, {
        limit: 1,
      });
      expect(page).toEqual({ names: [NAME], next: expect.any(String) });
    });
  });

  it('deletes a secret', async () => {
    pact
      .given(HAS_SECRET, { tenantId: TENANT_ID })
      .uponReceiving('a request to delete a secret')
      .withRequest({
        method: 'DELETE',
        path: PATH,
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (mock) => {
      await expect(
        backendFor(mock.url).secrets.delete(tenantContext, NAME),
      ).resolves.toBeUndefined();
    });
  });
});
