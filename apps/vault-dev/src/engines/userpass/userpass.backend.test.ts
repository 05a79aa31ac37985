import { VaultError, type Backend } from '../../core/backend';
import {
  backendRequest,
  createFakeCore,
  type FakeCore,
} from '../../../test/fakes/fake-core-services';
import { createUserpassBackend } from './userpass.backend';

// RSA key generation and scrypt are CPU-bound; on the shared two-core machine they can
// take seconds under load. This bounds the wait, it asserts nothing about speed.
jest.setTimeout(30_000);

const mount = {
  path: 'auth/userpass/',
  accessor: 'auth_userpass_5e6f7a8b',
  options: {},
};
const rq = (
  op: Parameters<typeof backendRequest>[0],
  path: string,
  data: Record<string, unknown> = {},
  extra = {},
) =>
  backendRequest(op, path, data, {
    mountPath: mount.path,
    mountAccessor: mount.accessor,
    ...extra,
  });

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VaultError) return e;
    throw e;
  }
  throw new Error('expected a VaultError');
}

describe('userpass auth method', () => {
  let core: FakeCore;
  let backend: Backend;

  beforeEach(async () => {
    core = createFakeCore();
    backend = createUserpassBackend(core, mount);
    await backend.handle(
      rq('create', 'users/Alice', {
        password: 's3cret',
        token_policies: 'tenant,default',
        token_ttl: '30m',
      }),
    );
  });

  it('logs a user in and names the alias after the lower-cased username', async () => {
    const res = await backend.handle(
      rq('update', 'login/ALICE', { password: 's3cret' }),
    );
    expect(res).toEqual({
      kind: 'login',
      login: expect.objectContaining({
        policies: ['default', 'tenant'],
        metadata: { username: 'alice' },
        displayName: 'userpass-alice',
        alias: { name: 'alice' },
        ttlSeconds: 1800,
        renewable: true,
        tokenType: 'service',
      }),
    });
    expect(backend.unauthenticatedPaths).toEqual(['login/*']);
  });

  it.each([
    ['a wrong password', 'alice', 'nope'],
    ['an unknown user', 'bob', 's3cret'],
  ])('refuses %s with the same 400 text', async (_case, user, password) => {
    const err = await failure(
      backend.handle(rq('update', `login/${user}`, { password })),
    );
    expect([err.status, err.errors]).toEqual([
      400,
      ['invalid username or password'],
    ]);
  });

  it('reads a user without ever returning the password or its hash', async () => {
    const res = await backend.handle(rq('read', 'users/alice'));
    expect(res).toMatchObject({
      kind: 'data',
      data: {
        token_policies: ['tenant', 'default'],
        token_ttl: 1800,
        token_max_ttl: 0,
      },
    });
    expect(JSON.stringify(res)).not.toMatch(/s3cret|scrypt|password/);
    expect(JSON.stringify(core.state(() => ({})))).not.toContain('s3cret');
  });

  it('changes the password so only the new one works', async () => {
    await backend.handle(
      rq('update', 'users/alice/password', { password: 'n3w' }),
    );
    expect(
      (
        await failure(
          backend.handle(rq('update', 'login/alice', { password: 's3cret' })),
        )
      ).status,
    ).toBe(400);
    expect(
      (await backend.handle(rq('update', 'login/alice', { password: 'n3w' })))
        .kind,
    ).toBe('login');
  });

  it('keeps the password when an update only changes token fields', async () => {
    await backend.handle(rq('update', 'users/alice', { token_ttl: '5m' }));
    const res = await backend.handle(
      rq('update', 'login/alice', { password: 's3cret' }),
    );
    expect(res.kind === 'login' && res.login.ttlSeconds).toBe(300);
  });

  it('requires a password when creating a user', async () => {
    const err = await failure(
      backend.handle(rq('create', 'users/bob', { token_policies: 'x' })),
    );
    expect([err.status, err.errors]).toEqual([400, ['missing password']]);
  });

  it('lists and deletes users; a deleted user can no longer log in', async () => {
    await backend.handle(rq('create', 'users/bob', { password: 'pw' }));
    expect(await backend.handle(rq('list', 'users/'))).toEqual({
      kind: 'data',
      data: { keys: ['alice', 'bob'] },
    });
    await backend.handle(rq('delete', 'users/alice'));
    expect(
      (await failure(backend.handle(rq('read', 'users/alice')))).status,
    ).toBe(404);
    expect(
      (
        await failure(
          backend.handle(rq('update', 'login/alice', { password: 's3cret' })),
        )
      ).errors,
    ).toEqual(['invalid username or password']);
    expect(backend.exists?.('users/bob')).toBe(true);
    expect(backend.exists?.('users/alice')).toBe(false);
  });

  it('refuses a login from outside token_bound_cidrs with 403', async () => {
    await backend.handle(
      rq('update', 'users/alice', { token_bound_cidrs: '10.0.0.0/8' }),
    );
    const err = await failure(
      backend.handle(rq('update', 'login/alice', { password: 's3cret' })),
    );
    expect([err.status, err.errors]).toEqual([403, ['permission denied']]);
  });
});
