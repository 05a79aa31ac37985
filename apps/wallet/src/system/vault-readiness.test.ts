import {
  createVaultReadiness,
  keepLoggingInUntilFirstSuccess,
} from './vault-readiness';

type Status = {
  authenticated: boolean;
  expiresAt?: number;
  logins?: number;
  lastError?: string;
};

function fakeVault(initial: Status) {
  let status = initial;
  return {
    setStatus: (next: Status) => (status = next),
    vault: {
      sys: {
        health: jest.fn(async () =>
          Promise.reject(new Error('connect ECONNREFUSED')),
        ),
      },
      status: jest.fn(() => status),
      login: jest.fn(async () => undefined),
    },
  };
}

// ADR 0012: the kubelet's readiness probe (scope=self) must not depend on Vault being up, and
// must never log in; ready means this pod has proven its credentials once.
describe('wallet readiness for the kubelet (checkSelf)', () => {
  it('stays ready through a Vault outage once the wallet has logged in, without calling Vault', () => {
    const { vault } = fakeVault({
      authenticated: false,
      logins: 1,
      lastError: 'Vault is unreachable',
    });
    const readiness = createVaultReadiness({ vault: vault as never });
    expect(readiness.checkSelf?.()).toEqual({
      status: 'ready',
      checks: { credentials: { ok: true } },
    });
    expect(vault.sys.health).not.toHaveBeenCalled();
    expect(vault.login).not.toHaveBeenCalled();
  });

  it('is not ready before its first login, and says why, still without logging in', () => {
    const { vault } = fakeVault({
      authenticated: false,
      logins: 0,
      lastError: 'invalid secret_id',
    });
    const result = createVaultReadiness({
      vault: vault as never,
    }).checkSelf?.();
    expect(result?.status).toBe('not_ready');
    expect(result?.checks.credentials.detail).toContain('invalid secret_id');
    expect(vault.login).not.toHaveBeenCalled();
  });
});

describe('keepLoggingInUntilFirstSuccess', () => {
  it('retries a failed login until one succeeds, then stops', async () => {
    const { vault, setStatus } = fakeVault({ authenticated: false });
    let calls = 0;
    vault.login.mockImplementation(async () => {
      calls += 1;
      if (calls < 3) throw new Error('Vault is sealed');
      setStatus({ authenticated: true, logins: 1 });
    });
    const errors: unknown[] = [];
    const stop = keepLoggingInUntilFirstSuccess({
      vault,
      intervalMs: 5,
      onError: (err) => errors.push(err),
    });
    for (let i = 0; i < 50 && calls < 3; i += 1)
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 30));
    stop();
    expect(calls).toBe(3);
    expect(errors).toHaveLength(2);
  });
});
