import { createPublicKey, verify } from 'node:crypto';
import {
  VaultError,
  type Backend,
  type BackendResponse,
} from '../../core/backend';
import {
  backendRequest,
  createFakeCore,
  type FakeCore,
} from '../../../test/fakes/fake-core-services';
import { createTransitBackend } from './transit.backend';

const mount = { path: 'transit/', accessor: 'transit_11223344', options: {} };
const rq = (
  op: Parameters<typeof backendRequest>[0],
  path: string,
  data: Record<string, unknown> = {},
) =>
  backendRequest(op, path, data, {
    mountPath: mount.path,
    mountAccessor: mount.accessor,
  });
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VaultError) return e;
    throw e;
  }
  throw new Error('expected a VaultError');
}

function dataOf(res: BackendResponse): Record<string, unknown> {
  if (res.kind !== 'data') throw new Error(`expected data, got ${res.kind}`);
  return res.data;
}

describe('transit engine', () => {
  let core: FakeCore;
  let backend: Backend;
  const call = async (
    op: Parameters<typeof backendRequest>[0],
    path: string,
    data: Record<string, unknown> = {},
  ) => dataOf(await backend.handle(rq(op, path, data)));

  beforeEach(() => {
    core = createFakeCore();
    backend = createTransitBackend(core, mount);
  });

  it('creates an ed25519 key and shows the raw 32-byte public key in base64 (checklist 116)', async () => {
    const body = await call('create', 'keys/signer', { type: 'ed25519' });
    expect(body).toMatchObject({
      name: 'signer',
      type: 'ed25519',
      exportable: false,
      deletion_allowed: false,
      latest_version: 1,
      min_decryption_version: 1,
      supports_signing: true,
      supports_encryption: false,
    });
    const v1 = (
      body.keys as Record<string, { name: string; public_key: string }>
    )['1'];
    expect(v1.name).toBe('ed25519');
    expect(Buffer.from(v1.public_key, 'base64')).toHaveLength(32);
    expect(JSON.stringify(body)).not.toContain('PRIVATE');
  });

  it('keeps the first key when two creates of the same name race', async () => {
    const [a, b] = await Promise.all([
      call('create', 'keys/raced', { type: 'ed25519' }),
      call('create', 'keys/raced', { type: 'ed25519' }),
    ]);
    const pub = (body: Record<string, unknown>) =>
      (body.keys as Record<string, { public_key: string }>)['1'].public_key;
    expect(pub(b)).toBe(pub(a));
    expect(pub(await call('read', 'keys/raced'))).toBe(pub(a));
  });

  it('answers a second create with the same key and a warning', async () => {
    await call('create', 'keys/k', { type: 'ed25519' });
    const res = await backend.handle(
      rq('update', 'keys/k', { type: 'aes256-gcm96' }),
    );
    expect(res).toMatchObject({
      kind: 'data',
      data: { type: 'ed25519' },
      warnings: ['key k already existed'],
    });
  });

  it.each(['ed25519', 'ecdsa-p256'])(
    'signs with a %s key and verifies, rejecting a wrong input (checklist 117)',
    async (type) => {
      await call('create', 'keys/k', { type });
      const { signature, key_version } = await call('update', 'sign/k', {
        input: b64('hello'),
      });
      expect(signature).toMatch(/^vault:v1:/);
      expect(key_version).toBe(1);
      expect(
        await call('update', 'verify/k', { input: b64('hello'), signature }),
      ).toEqual({ valid: true });
      expect(
        await call('update', 'verify/k', { input: b64('hellO'), signature }),
      ).toEqual({ valid: false });
    },
  );

  it('produces ECDSA signatures a third party verifies with the published PEM, in DER and JWS form', async () => {
    const body = await call('create', 'keys/p256', { type: 'ecdsa-p256' });
    const pem = (
      body.keys as Record<string, { public_key: string; name: string }>
    )['1'];
    expect(pem.name).toBe('P-256');
    const publicKey = createPublicKey(pem.public_key);
    const der = String(
      (await call('update', 'sign/p256/sha2-256', { input: b64('msg') }))
        .signature,
    ).split(':')[2];
    expect(
      verify(
        'sha256',
        Buffer.from('msg'),
        publicKey,
        Buffer.from(der, 'base64'),
      ),
    ).toBe(true);
    const jws = String(
      (
        await call('update', 'sign/p256', {
          input: b64('msg'),
          marshaling_algorithm: 'jws',
        })
      ).signature,
    ).split(':')[2];
    expect(Buffer.from(jws, 'base64url')).toHaveLength(64);
    expect(
      verify(
        'sha256',
        Buffer.from('msg'),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(jws, 'base64url'),
      ),
    ).toBe(true);
  });

  it('round-trips aes256-gcm96 encryption and keeps old ciphertexts readable after rotate (checklist 118)', async () => {
    await call('create', 'keys/data', {});
    const { ciphertext: v1 } = await call('update', 'encrypt/data', {
      plaintext: b64('secret one'),
    });
    expect(v1).toMatch(/^vault:v1:/);
    expect(JSON.stringify(core.state(() => ({})))).not.toContain('secret one');
    const rotated = await call('update', 'keys/data/rotate');
    expect(rotated.latest_version).toBe(2);
    const { ciphertext: v2 } = await call('update', 'encrypt/data', {
      plaintext: b64('secret two'),
    });
    expect(v2).toMatch(/^vault:v2:/);
    expect(await call('update', 'decrypt/data', { ciphertext: v1 })).toEqual({
      plaintext: b64('secret one'),
    });
    expect(await call('update', 'decrypt/data', { ciphertext: v2 })).toEqual({
      plaintext: b64('secret two'),
    });
  });

  it('binds associated data and detects tampering', async () => {
    await call('create', 'keys/data', {});
    const { ciphertext } = await call('update', 'encrypt/data', {
      plaintext: b64('x'),
      associated_data: b64('ctx'),
    });
    expect(
      await call('update', 'decrypt/data', {
        ciphertext,
        associated_data: b64('ctx'),
      }),
    ).toEqual({ plaintext: b64('x') });
    expect(
      (
        await failure(
          call('update', 'decrypt/data', {
            ciphertext,
            associated_data: b64('other'),
          }),
        )
      ).errors,
    ).toEqual(['cipher: message authentication failed']);
  });

  it.each([
    ['no-prefix', 'invalid ciphertext: no prefix'],
    ['vault:v1', 'invalid ciphertext: wrong number of fields'],
    ['vault:v9:AAAA', 'invalid ciphertext: version is too new'],
  ])('refuses the ciphertext %s with a 400', async (ciphertext, message) => {
    await call('create', 'keys/data', {});
    const err = await failure(call('update', 'decrypt/data', { ciphertext }));
    expect([err.status, err.errors]).toEqual([400, [message]]);
  });

  it('upserts the key on encrypt only when the operation is a create', async () => {
    expect(backend.exists?.('encrypt/new')).toBe(false);
    expect(
      (await failure(call('update', 'encrypt/new', { plaintext: b64('x') })))
        .errors,
    ).toEqual(['encryption key not found']);
    expect(
      await call('create', 'encrypt/new', { plaintext: b64('x') }),
    ).toMatchObject({ key_version: 1 });
    expect(backend.exists?.('encrypt/new')).toBe(true);
  });

  it('enforces min_decryption_version and deletion_allowed', async () => {
    await call('create', 'keys/data', {});
    const { ciphertext } = await call('update', 'encrypt/data', {
      plaintext: b64('x'),
    });
    await call('update', 'keys/data/rotate');
    await call('update', 'keys/data/config', { min_decryption_version: 2 });
    expect(
      (await failure(call('update', 'decrypt/data', { ciphertext }))).errors,
    ).toEqual([
      'ciphertext or signature version is disallowed by policy (too old)',
    ]);
    expect(
      (await failure(backend.handle(rq('delete', 'keys/data')))).errors,
    ).toEqual([
      'error deleting policy data: deletion is not allowed for this key',
    ]);
    await call('update', 'keys/data/config', { deletion_allowed: true });
    await backend.handle(rq('delete', 'keys/data'));
    expect(
      (await failure(backend.handle(rq('delete', 'keys/data')))).errors,
    ).toEqual(['error deleting policy data: could not delete key; not found']);
    expect(
      (await failure(backend.handle(rq('read', 'keys/data')))).status,
    ).toBe(404);
  });

  it('handles batch_input per item and reports a failed item with a 400', async () => {
    await call('create', 'keys/data', {});
    const res = await backend.handle(
      rq('update', 'encrypt/data', {
        batch_input: [{ plaintext: b64('a') }, { plaintext: '***' }],
      }),
    );
    expect(res).toMatchObject({ kind: 'data', status: 400 });
    const results = dataOf(res).batch_results as Record<string, unknown>[];
    expect(results[0].ciphertext).toMatch(/^vault:v1:/);
    expect(results[1]).toEqual({ error: 'failed to base64-decode plaintext' });
  });

  it('rotates automatically once auto_rotate_period has passed', async () => {
    await call('create', 'keys/data', { auto_rotate_period: '24h' });
    core.advance(24 * 3600 * 1000);
    expect((await call('read', 'keys/data')).latest_version).toBe(2);
  });

  it('refuses signing with a symmetric key and encryption with a signing key', async () => {
    await call('create', 'keys/sym', {});
    await call('create', 'keys/ed', { type: 'ed25519' });
    expect(
      (await failure(call('update', 'sign/sym', { input: b64('x') }))).errors,
    ).toEqual(['key type aes256-gcm96 does not support signing']);
    expect(
      (await failure(call('update', 'encrypt/ed', { plaintext: b64('x') })))
        .errors,
    ).toEqual(['key type ed25519 does not support encryption']);
  });
});
