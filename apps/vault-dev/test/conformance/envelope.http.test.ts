/**
 * Conformance: transport, envelope, status codes and error shapes (vault-api.md §1, §13 #1–#22).
 */
import * as net from 'node:net';
import {
  ACL_DENIED,
  PERMISSION_DENIED,
  startTestVault,
  tokenWithPolicy,
  type TestVault,
} from '../support/vault-http';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('utf8')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('vault-dev transport and envelope', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
    await vault.root$('POST', '/v1/secret/data/app/config', { data: { a: 1 } });
  });
  afterAll(() => vault.server.stop());

  it('[#1] wraps a successful read in the full envelope with a UUID request_id and mount_type', async () => {
    const res = await vault.root$('GET', '/v1/secret/data/app/config');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      request_id: expect.stringMatching(UUID),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: expect.any(Object),
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    });
  });

  it('[#2] answers a write that returns nothing with 204 and an empty body', async () => {
    const res = await vault.root$('PUT', '/v1/sys/policies/acl/empty-ok', {
      policy: 'path "x" { capabilities = ["read"] }',
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('[#3] renders errors as {"errors":[...]} with application/json', async () => {
    const res = await vault.root$('POST', '/v1/secret/data/x', {
      nodata: true,
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json).toEqual({ errors: ['no data provided'] });
  });

  it('[#4] answers a read of a path with nothing behind it with 404 {"errors":[]}', async () => {
    const res = await vault.root$('GET', '/v1/secret/data/never-written');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ errors: [] });
  });

  it('[#5] treats LIST /v1/p and GET /v1/p?list=true the same, appending the trailing slash', async () => {
    const viaList = await vault.call('LIST', '/v1/secret/metadata/app', {
      token: vault.root,
    });
    const viaGet = await vault.call(
      'GET',
      '/v1/secret/metadata/app?list=true',
      { token: vault.root },
    );
    expect(viaList.status).toBe(200);
    expect(viaList.json.data).toEqual({ keys: ['config'] });
    expect(viaGet.json.data).toEqual(viaList.json.data);
  });

  it('[#6] answers a list with no keys with 404 {"errors":[]}', async () => {
    const res = await vault.call('LIST', '/v1/secret/metadata/nothing-here', {
      token: vault.root,
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ errors: [] });
  });

  it('[#7] accepts the literal LIST verb on a raw keep-alive connection, followed by another request', async () => {
    const text = await rawExchange(
      vault.server.port,
      `LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${vault.root}\r\nContent-Length: 0\r\n\r\n` +
        `POST /v1/sys/capabilities-self HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${vault.root}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `5\r\n{"pat\r\n11\r\nhs":["secret/x"]}\r\n0\r\n\r\n` +
        `LIST /v1/secret/metadata/app HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${vault.root}\r\nConnection: close\r\n\r\n`,
    );
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '200']);
    expect(text).toContain('"keys":["app/"]');
    expect(text).toContain('"capabilities":["root"]');
    expect(text).toContain('"keys":["config"]');
  });

  it('[#8] refuses an authenticated path without a token with 403 permission denied', async () => {
    const res = await vault.call('GET', '/v1/secret/data/app/config');
    expect(res.status).toBe(403);
    expect(res.json).toEqual(PERMISSION_DENIED);
  });

  it('[#9] refuses an unknown token with the plain permission denied', async () => {
    const res = await vault.call('GET', '/v1/secret/data/app/config', {
      token: 'hvs.not-a-real-token',
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(PERMISSION_DENIED);
  });

  it('[#10] refuses a valid token without the capability with the multierror text', async () => {
    const token = await tokenWithPolicy(
      vault,
      'nothing-on-secret',
      'path "other/*" { capabilities = ["read"] }',
    );
    const res = await vault.call('GET', '/v1/secret/data/app/config', {
      token,
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(ACL_DENIED);
  });

  it('[#11] authenticates with Authorization: Bearer and lets X-Vault-Token win when both are sent', async () => {
    const bearer = await vault.call('GET', '/v1/auth/token/lookup-self', {
      headers: { Authorization: `Bearer ${vault.root}` },
    });
    expect(bearer.status).toBe(200);
    const both = await vault.call('GET', '/v1/auth/token/lookup-self', {
      headers: {
        Authorization: `Bearer ${vault.root}`,
        'X-Vault-Token': 'hvs.wrong',
      },
    });
    expect(both.status).toBe(403);
  });

  it('[#12] ignores an Authorization header that is not a Bearer token', async () => {
    const res = await vault.call('GET', '/v1/auth/token/lookup-self', {
      headers: { Authorization: `Basic ${vault.root}` },
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(PERMISSION_DENIED);
  });

  it('[#13] accepts and ignores X-Vault-Request: true', async () => {
    const res = await vault.call('GET', '/v1/secret/data/app/config', {
      token: vault.root,
      headers: { 'X-Vault-Request': 'true' },
    });
    expect(res.status).toBe(200);
  });

  it.each(['', 'root', 'root/'])(
    '[#14] treats X-Vault-Namespace %j as the root namespace',
    async (ns) => {
      const res = await vault.call('GET', '/v1/secret/data/app/config', {
        token: vault.root,
        headers: { 'X-Vault-Namespace': ns },
      });
      expect(res.status).toBe(200);
    },
  );

  it('[#14] rejects any other namespace with a clear 400 so misconfiguration surfaces', async () => {
    const res = await vault.call('GET', '/v1/secret/data/app/config', {
      token: vault.root,
      headers: { 'X-Vault-Namespace': 'team-a' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toContain('namespace');
  });

  it('[#15] handles POST and PUT identically and accepts an empty body', async () => {
    const post = await vault.root$('POST', '/v1/secret/data/same', {
      data: { v: 'post' },
    });
    const put = await vault.root$('PUT', '/v1/secret/data/same', {
      data: { v: 'put' },
    });
    expect([post.status, put.status]).toEqual([200, 200]);
    expect(put.json.data.version).toBe(2);
    const empty = await vault.call('POST', '/v1/auth/token/renew-self', {
      token: (
        await vault.root$('POST', '/v1/auth/token/create', {
          policies: ['default'],
        })
      ).json.auth.client_token,
    });
    expect(empty.status).toBe(200);
  });

  it('[#15] parses form-encoded bodies', async () => {
    const res = await vault.call('POST', '/v1/sys/policies/acl/formed', {
      token: vault.root,
      rawBody: `policy=${encodeURIComponent('path "f/*" { capabilities = ["list"] }')}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(204);
    const read = await vault.root$('GET', '/v1/sys/policies/acl/formed');
    expect(read.json.data.policy).toBe(
      'path "f/*" { capabilities = ["list"] }',
    );
  });

  it('[#16] refuses PATCH without application/merge-patch+json with 415', async () => {
    const res = await vault.call('PATCH', '/v1/secret/data/app/config', {
      token: vault.root,
      body: { data: { b: 2 } },
    });
    expect(res.status).toBe(415);
    expect(res.json).toEqual({
      errors: [
        'PATCH requires Content-Type of application/merge-patch+json, provided application/json',
      ],
    });
  });

  it('[#17] percent-decodes the path before routing', async () => {
    const res = await vault.root$('GET', '/v1/secret/data/app%2Fconfig');
    expect(res.status).toBe(200);
    expect(res.json.data.data).toEqual({ a: 1 });
  });

  it('[#18] answers ?list=notabool with 400 {"errors":[]}', async () => {
    const res = await vault.root$('GET', '/v1/secret/metadata/?list=notabool');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: [] });
  });

  it('[#19] answers an operation the path does not support with 405 unsupported operation', async () => {
    const res = await vault.call('LIST', '/v1/secret/data/app/', {
      token: vault.root,
    });
    expect(res.status).toBe(405);
    expect(res.json.errors[0]).toContain('unsupported operation');
  });

  it('[#19] answers an unknown HTTP method with 405 {"errors":[]}', async () => {
    const res = await vault.call('OPTIONS', '/v1/secret/data/app/config', {
      token: vault.root,
    });
    expect(res.status).toBe(405);
    expect(res.json).toEqual({ errors: [] });
  });

  it('[#20] answers an unmounted path with the no-handler 404', async () => {
    const res = await vault.root$('GET', '/v1/foo/bar');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      errors: ['no handler for route "foo/bar". route entry not found.'],
    });
  });

  it('[#22] sends Cache-Control: no-store on every response, including 204 and errors', async () => {
    const ok = await vault.root$('GET', '/v1/secret/data/app/config');
    const none = await vault.root$('DELETE', '/v1/secret/data/nothing');
    const err = await vault.call('GET', '/v1/secret/data/app/config');
    expect([
      ok.headers['cache-control'],
      none.headers['cache-control'],
      err.headers['cache-control'],
    ]).toEqual(['no-store', 'no-store', 'no-store']);
    expect(none.headers['content-type']).toBe('application/json');
  });
});

describe('vault-dev bad input', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await startTestVault();
  });
  afterAll(() => vault.server.stop());

  it('rejects malformed JSON with a 400 that says so', async () => {
    const res = await vault.call('POST', '/v1/secret/data/x', {
      token: vault.root,
      rawBody: '{"data": {',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toMatch(/^failed to parse JSON input: /);
  });

  it('rejects a JSON body that is not an object', async () => {
    const res = await vault.call('POST', '/v1/secret/data/x', {
      token: vault.root,
      rawBody: '[1,2]',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toContain('cannot unmarshal array');
  });

  it('rejects a body over 32 MiB with 413 and keeps serving', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024 + 10, 0x61);
    const res = await vault.call('POST', '/v1/secret/data/big', {
      token: vault.root,
      rawBody: big,
    });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: ['http: request body too large'] });
    expect((await vault.call('GET', '/v1/sys/health')).status).toBe(200);
  });

  it('rejects wrong field types with a 400 naming the field', async () => {
    const res = await vault.root$('POST', '/v1/secret/metadata/typed', {
      max_versions: 'lots',
    });
    expect(res.status).toBe(400);
    expect(res.json.errors[0]).toContain('max_versions');
  });

  it("rejects a negative X-Vault-Wrap-TTL with Vault's text", async () => {
    const res = await vault.call('GET', '/v1/auth/token/lookup-self', {
      token: vault.root,
      headers: { 'X-Vault-Wrap-TTL': '-5s' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      errors: [
        'error parsing X-Vault-Wrap-TTL header: requested wrap ttl cannot be negative',
      ],
    });
  });

  it("redirects a path with // or /../ to the cleaned path like Go's ServeMux", async () => {
    const res = await vault.call('GET', '/v1/secret//data/x', {
      token: vault.root,
    });
    expect(res.status).toBe(301);
    expect(res.headers['location']).toBe('/v1/secret/data/x');
  });

  it('answers paths outside /v1/ with 404 {"errors":[]}', async () => {
    const res = await vault.call('GET', '/v2/secret/data/x', {
      token: vault.root,
    });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ errors: [] });
  });

  it('rejects control characters in the path', async () => {
    const res = await vault.root$('GET', '/v1/secret/data/a%00b');
    expect(res.status).toBe(400);
  });

  it('survives garbage on the wire without crashing', async () => {
    const reply = await rawExchange(
      vault.server.port,
      'NOT HTTP AT ALL\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await vault.call('GET', '/v1/sys/health')).status).toBe(200);
  });
});
