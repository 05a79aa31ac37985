/**
 * Conformance: response wrapping (vault-api.md §9, §13 #75, #119, #120).
 */
import {
  startTestVault,
  type TestVault,
  itDevOnly,
} from '../support/vault-http';

const INVALID = { errors: ['wrapping token is not valid or does not exist'] };

describe('vault-dev response wrapping', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('POST', '/v1/secret/data/wrapped', {
      data: { secret: 'value' },
    });
    await vault.root$('POST', '/v1/sys/auth/approle', { type: 'approle' });
    await vault.root$('POST', '/v1/auth/approle/role/wallet', {
      token_policies: ['default'],
    });
  });
  afterAll(() => vault.server.stop());

  const wrappedRead = () =>
    vault.call('GET', '/v1/secret/data/wrapped', {
      token: vault.root,
      headers: { 'X-Vault-Wrap-TTL': '60s' },
    });

  itDevOnly(
    '[#119] answers a wrapped request with only wrap_info and request_id ""',
    async () => {
      const res = await wrappedRead();
      expect(res.status).toBe(200);
      expect(res.json).toEqual(
        expect.objectContaining({
          request_id: '',
          data: null,
          auth: null,
          wrap_info: {
            token: expect.stringMatching(/^hvs\./),
            accessor: expect.any(String),
            ttl: 60,
            creation_time: '2026-01-01T12:00:00Z',
            creation_path: 'secret/data/wrapped',
          },
        }),
      );
    },
  );

  it('[#119] unwraps the original response once (with its request_id); the second unwrap is a 400', async () => {
    const token = (await wrappedRead()).json.wrap_info.token;
    const first = await vault.call('POST', '/v1/sys/wrapping/unwrap', {
      token,
    });
    expect(first.status).toBe(200);
    expect(first.json.data.data).toEqual({ secret: 'value' });
    expect(first.json.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const second = await vault.call('POST', '/v1/sys/wrapping/unwrap', {
      token,
    });
    expect([second.status, second.json]).toEqual([400, INVALID]);
  });

  it('[#119] unwraps by body token with another token, once', async () => {
    const token = (await wrappedRead()).json.wrap_info.token;
    expect(
      (await vault.root$('POST', '/v1/sys/wrapping/unwrap', { token })).json
        .data.data,
    ).toEqual({ secret: 'value' });
    const again = await vault.root$('POST', '/v1/sys/wrapping/unwrap', {
      token,
    });
    expect([again.status, again.json]).toEqual([400, INVALID]);
  });

  itDevOnly('[#119] refuses an expired wrapping token', async () => {
    const token = (await wrappedRead()).json.wrap_info.token;
    vault.clock.advanceSeconds(61);
    const res = await vault.root$('POST', '/v1/sys/wrapping/unwrap', { token });
    expect([res.status, res.json]).toEqual([400, INVALID]);
  });

  it('[#120] looks up a wrapping token without a token and without consuming it', async () => {
    const token = (await wrappedRead()).json.wrap_info.token;
    const look = await vault.call('POST', '/v1/sys/wrapping/lookup', {
      body: { token },
    });
    expect(look.status).toBe(200);
    expect(look.json.data).toEqual({
      creation_path: 'secret/data/wrapped',
      creation_time: expect.any(String),
      creation_ttl: 60,
    });
    expect(
      (await vault.call('POST', '/v1/sys/wrapping/unwrap', { token })).status,
    ).toBe(200);
    expect(
      (await vault.call('POST', '/v1/sys/wrapping/lookup', { body: { token } }))
        .json,
    ).toEqual(INVALID);
  });

  it('[#75] wraps a secret-id: wrap_info carries creation_path and the secret_id_accessor', async () => {
    const res = await vault.call(
      'POST',
      '/v1/auth/approle/role/wallet/secret-id',
      { token: vault.root, headers: { 'X-Vault-Wrap-TTL': '60s' } },
    );
    expect(res.json.request_id).toBe('');
    expect(res.json.data).toBeNull();
    expect(res.json.wrap_info).toEqual(
      expect.objectContaining({
        ttl: 60,
        creation_path: 'auth/approle/role/wallet/secret-id',
        wrapped_accessor: expect.any(String),
      }),
    );
    const unwrapped = await vault.call('POST', '/v1/sys/wrapping/unwrap', {
      token: res.json.wrap_info.token,
    });
    expect(unwrapped.json.data.secret_id_accessor).toBe(
      res.json.wrap_info.wrapped_accessor,
    );
  });

  it('wraps arbitrary data through sys/wrapping/wrap and rewraps it under a new token', async () => {
    const res = await vault.call('POST', '/v1/sys/wrapping/wrap', {
      token: vault.root,
      body: { k: 'v' },
      headers: { 'X-Vault-Wrap-TTL': '5m' },
    });
    expect(res.json.wrap_info).toEqual(
      expect.objectContaining({ creation_path: 'sys/wrapping/wrap', ttl: 300 }),
    );
    const rewrapped = await vault.root$('POST', '/v1/sys/wrapping/rewrap', {
      token: res.json.wrap_info.token,
    });
    const newToken = rewrapped.json.wrap_info.token;
    expect(newToken).not.toBe(res.json.wrap_info.token);
    expect(
      (
        await vault.root$('POST', '/v1/sys/wrapping/unwrap', {
          token: res.json.wrap_info.token,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await vault.root$('POST', '/v1/sys/wrapping/unwrap', {
          token: newToken,
        })
      ).json.data,
    ).toEqual({ k: 'v' });
  });

  it('does not wrap a 204', async () => {
    const res = await vault.call('DELETE', '/v1/secret/data/nothing', {
      token: vault.root,
      headers: { 'X-Vault-Wrap-TTL': '60s' },
    });
    expect(res.status).toBe(204);
  });
});
