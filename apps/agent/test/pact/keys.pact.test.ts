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

const { eachLike, regex, uuid, fromProviderState } = MatchersV3;

const EXAMPLE_KEY_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ISO_TIMESTAMP =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const B64URL = '^[A-Za-z0-9_-]+$';

const keyBody = {
  id: uuid(EXAMPLE_KEY_ID),
  type: 'Ed25519',
  did: regex(
    '^did:key:z[1-9A-HJ-NP-Za-km-z]+$',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  ),
  publicKeyJwk: {
    kty: 'OKP',
    crv: 'Ed25519',
    x: regex(B64URL, '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo'),
  },
  createdAt: regex(ISO_TIMESTAMP, '2026-11-29T14:00:00.000Z'),
};
const keyPath = fromProviderState(
  '/v1/keys/${keyId}',
  `/v1/keys/${EXAMPLE_KEY_ID}`,
);
const HAS_KEY = 'tenant has an Ed25519 key';

describe('agent -> wallet: keys', () => {
  const pact = createWalletPact();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTracing();
  });
  afterAll(() => telemetry.shutdown());

  it('creates a key for the tenant', async () => {
    pact
      .given('tenant exists', { tenantId: TENANT_ID })
      .uponReceiving('a request to create an Ed25519 key')
      .withRequest({
        method: 'POST',
        path: '/v1/keys',
        headers: walletHeaders({ tenant: true, body: true }),
        body: { type: 'Ed25519' },
      })
      .willRespondWith({ status: 201, body: keyBody });
    await pact.executeTest(async (mock) => {
      const key = await backendFor(mock.url).keys.create(tenantContext, {
        type: 'Ed25519',
      });
      expect(key.type).toBe('Ed25519');
    });
  });

  it("lists the tenant's keys", async () => {
    pact
      .given(HAS_KEY, { tenantId: TENANT_ID })
      .uponReceiving('a request to list keys')
      .withRequest({
        method: 'GET',
        path: '/v1/keys',
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({ status: 200, body: { keys: eachLike(keyBody) } });
    await pact.executeTest(async (mock) => {
      const { keys } = await backendFor(mock.url).keys.list(tenantContext);
      expect(keys.length).toBeGreaterThan(0);
    });
  });

  it('reads one key', async () => {
    pact
      .given(HAS_KEY, { tenantId: TENANT_ID })
      .uponReceiving('a request to read a key')
      .withRequest({
        method: 'GET',
        path: keyPath,
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 200,
        body: { ...keyBody, id: fromProviderState('${keyId}', EXAMPLE_KEY_ID) },
      });
    await pact.executeTest(async (mock) => {
      expect(
        (await backendFor(mock.url).keys.get(tenantContext, EXAMPLE_KEY_ID)).id,
      ).toBe(EXAMPLE_KEY_ID);
    });
  });

  it('maps a missing key to not_found', async () => {
    pact
      .given('tenant exists', { tenantId: TENANT_ID })
      .uponReceiving('a request to read a key that does not exist')
      .withRequest({
        method: 'GET',
        path: `/v1/keys/${EXAMPLE_KEY_ID}`,
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({
        status: 404,
        headers: PROBLEM_HEADERS,
        body: problemBody('not_found', 404),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .keys.get(tenantContext, EXAMPLE_KEY_ID)
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('not_found');
    });
  });

  it('signs a payload with a key', async () => {
    pact
      .given(HAS_KEY, { tenantId: TENANT_ID })
      .uponReceiving('a request to sign a payload')
      .withRequest({
        method: 'POST',
        path: fromProviderState(
          '/v1/keys/${keyId}/sign',
          `/v1/keys/${EXAMPLE_KEY_ID}/sign`,
        ),
        headers: walletHeaders({ tenant: true, body: true }),
        body: { payload: 'aGVsbG8gaWRlbnR1cw' },
      })
      .willRespondWith({
        status: 200,
        body: { alg: 'EdDSA', signature: regex(B64URL, 'c2lnbmF0dXJl') },
      });
    await pact.executeTest(async (mock) => {
      const signed = await backendFor(mock.url).keys.sign(
        tenantContext,
        EXAMPLE_KEY_ID,
        { payload: 'aGVsbG8gaWRlbnR1cw' },
      );
      expect(signed.alg).toBe('EdDSA');
    });
  });

  it('maps the rotation of a wallet-custody key to conflict (only vault-transit keys rotate)', async () => {
    pact
      .given(HAS_KEY, { tenantId: TENANT_ID })
      .uponReceiving('a request to rotate a wallet-custody key')
      .withRequest({
        method: 'POST',
        path: fromProviderState(
          '/v1/keys/${keyId}/rotate',
          `/v1/keys/${EXAMPLE_KEY_ID}/rotate`,
        ),
        headers: walletHeaders({ tenant: true, body: true }),
        body: {},
      })
      .willRespondWith({
        status: 409,
        headers: PROBLEM_HEADERS,
        body: problemBody('conflict', 409),
      });
    await pact.executeTest(async (mock) => {
      const err = await backendFor(mock.url)
        .keys.rotate(tenantContext, EXAMPLE_KEY_ID)
        .catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('conflict');
    });
  });

  it('deletes a key', async () => {
    pact
      .given(HAS_KEY, { tenantId: TENANT_ID })
      .uponReceiving('a request to delete a key')
      .withRequest({
        method: 'DELETE',
        path: keyPath,
        headers: walletHeaders({ tenant: true }),
      })
      .willRespondWith({ status: 204 });
    await pact.executeTest(async (mock) => {
      await expect(
        backendFor(mock.url).keys.delete(tenantContext, EXAMPLE_KEY_ID),
      ).resolves.toBeUndefined();
    });
  });
});
