import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VaultAuthError, VaultResponseError } from '../errors';
import type { VaultAuthInfo } from '../response';
import type { LoginTransport } from './auth-method';
import { approleAuth } from './approle';

const authInfo = (token: string): VaultAuthInfo => ({
  clientToken: token,
  accessor: 'a',
  policies: [],
  tokenPolicies: [],
  leaseDurationSeconds: 60,
  renewable: true,
  entityId: 'e',
  metadata: null,
});

/** Fake Vault side of AppRole login and wrapping: single-use wrapping tokens, one valid secret_id. */
function fakeTransport(opts: { creationPath?: string } = {}) {
  const wraps = new Map([
    [
      'hvs.wrap',
      {
        secretId: 'sid-from-wrap',
        creationPath: opts.creationPath ?? 'auth/approle/role/wallet/secret-id',
      },
    ],
  ]);
  const logins: Array<Record<string, unknown>> = [];
  const t: LoginTransport = {
    async login(p, body) {
      logins.push({ path: p, ...body });
      if (body['secret_id'] === 'bad')
        throw new VaultResponseError({
          status: 400,
          errors: ['invalid role or secret ID'],
          path: p,
        });
      return authInfo(`hvs.${String(body['secret_id'])}`);
    },
    async lookupWrapping(token) {
      const w = wraps.get(token);
      if (!w)
        throw new VaultResponseError({
          status: 400,
          errors: ['wrapping token is not valid or does not exist'],
          path: 'sys/wrapping/lookup',
        });
      return {
        creationPath: w.creationPath,
        creationTime: '',
        creationTtl: 60,
      };
    },
    async unwrap(token) {
      const w = wraps.get(token);
      wraps.delete(token);
      if (!w)
        throw new VaultResponseError({
          status: 400,
          errors: ['wrapping token is not valid or does not exist'],
          path: 'sys/wrapping/unwrap',
        });
      return {
        requestId: '',
        leaseId: '',
        renewable: false,
        leaseDurationSeconds: 0,
        warnings: [],
        data: { secret_id: w.secretId },
      };
    },
    lookupSelf: jest.fn(),
  };
  return { t, logins };
}

describe('approleAuth', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'approle-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('re-reads the secret_id file at every login so rotation needs no restart', async () => {
    const { t, logins } = fakeTransport();
    const secretIdFile = file('sid', 'first\n');
    const auth = approleAuth({
      roleIdFile: file('rid', 'role-1\n'),
      secretIdFile,
    });
    await auth.login(t);
    fs.writeFileSync(secretIdFile, 'second');
    await auth.login(t);
    expect(logins).toEqual([
      { path: 'auth/approle/login', role_id: 'role-1', secret_id: 'first' },
      { path: 'auth/approle/login', role_id: 'role-1', secret_id: 'second' },
    ]);
  });

  it('unwraps a wrapped secret_id once and keeps it in memory for later logins', async () => {
    const { t, logins } = fakeTransport();
    const auth = approleAuth({
      roleId: 'role-1',
      wrappedSecretIdFile: file('wrapped', 'hvs.wrap'),
    });
    await expect(auth.login(t)).resolves.toMatchObject({
      clientToken: 'hvs.sid-from-wrap',
    });
    await expect(auth.login(t)).resolves.toMatchObject({
      clientToken: 'hvs.sid-from-wrap',
    });
    expect(logins).toHaveLength(2);
  });

  it('refuses a wrapping token that was already unwrapped by someone else', async () => {
    const { t } = fakeTransport();
    await t.unwrap('hvs.wrap');
    const auth = approleAuth({
      roleId: 'role-1',
      wrappedSecretIdFile: file('wrapped', 'hvs.wrap'),
    });
    await expect(auth.login(t)).rejects.toThrow(
      /not valid or was already used/,
    );
  });

  it('refuses a wrapping token created anywhere but a secret-id endpoint', async () => {
    const { t } = fakeTransport({ creationPath: 'sys/wrapping/wrap' });
    const auth = approleAuth({
      roleId: 'role-1',
      wrappedSecretIdFile: file('wrapped', 'hvs.wrap'),
    });
    await expect(auth.login(t)).rejects.toThrow(
      /created at sys\/wrapping\/wrap/,
    );
  });

  it('explains a refused secret_id without echoing it', async () => {
    const { t } = fakeTransport();
    const error = await approleAuth({ roleId: 'role-1', secretId: 'bad' })
      .login(t)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultAuthError);
    expect((error as Error).message).toMatch(
      /invalid role or secret ID .*expired, used up or destroyed/,
    );
    expect((error as Error).message).not.toContain("'bad'");
  });

  it('names a missing credential file without failing silently', async () => {
    const { t } = fakeTransport();
    await expect(
      approleAuth({ roleId: 'r', secretIdFile: path.join(dir, 'nope') }).login(
        t,
      ),
    ).rejects.toThrow(/cannot read secret_id file .*ENOENT/);
  });

  it.each([
    [{ roleId: 'r' }],
    [{ roleId: 'r', secretId: 'a', secretIdFile: 'b' }],
    [{ secretId: 'a' }],
  ])('rejects ambiguous or missing credential sources %j', (opts) => {
    expect(() => approleAuth(opts)).toThrow(TypeError);
  });
});
