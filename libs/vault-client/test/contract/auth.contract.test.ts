import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { approleAuth, isPermissionDenied, userpassAuth } from '../../src/index';
import { countingAuth, startVault, type TestVault } from './harness';

describe('auth methods against vault-dev', () => {
  let vault: TestVault;
  let dir: string;
  beforeAll(async () => {
    vault = await startVault();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vc-auth-'));
    await vault.root.sys.enableAuthMethod('approle', { type: 'approle' });
    await vault.root.sys.enableAuthMethod('userpass', { type: 'userpass' });
    await vault.root.sys.writePolicy(
      'reader',
      'path "secret/data/app/*" {\n  capabilities = ["read", "create", "update"]\n}\n',
    );
  });
  afterAll(async () => {
    await vault.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('administers AppRole roles, role ids and secret ids', async () => {
    const approle = vault.root.auth.approle();
    await approle.writeRole('svc', {
      tokenPolicies: ['reader'],
      tokenTtl: 60,
      tokenMaxTtl: 120,
      secretIdNumUses: 5,
      secretIdTtl: 600,
    });
    expect(await approle.readRole('svc')).toMatchObject({
      tokenPolicies: ['reader'],
      tokenTtl: 60,
      tokenMaxTtl: 120,
      secretIdNumUses: 5,
      secretIdTtl: 600,
    });
    expect(await approle.listRoles()).toContain('svc');
    expect(await approle.readRoleId('svc')).toMatch(/^[0-9a-f-]{36}$/);
    const sid = await approle.generateSecretId('svc', {
      metadata: { host: 'a' },
      numUses: 2,
    });
    expect(sid).toMatchObject({
      secretId: expect.any(String),
      accessor: expect.any(String),
      numUses: 2,
    });
    expect(
      await approle.lookupSecretId('svc', sid.secretId as string),
    ).toMatchObject({ secretIdNumUses: 2, metadata: { host: 'a' } });
    expect(await approle.listSecretIdAccessors('svc')).toContain(sid.accessor);
    await approle.destroySecretId('svc', sid.secretId as string);
    expect(
      await approle.lookupSecretId('svc', sid.secretId as string),
    ).toBeUndefined();
    expect(await approle.readRole('missing')).toBeUndefined();
  });

  it('logs a client in with role_id and a secret_id file and uses the token policies', async () => {
    const approle = vault.root.auth.approle();
    fs.writeFileSync(
      path.join(dir, 'role-id'),
      await approle.readRoleId('svc'),
    );
    fs.writeFileSync(
      path.join(dir, 'secret-id'),
      (await approle.generateSecretId('svc')).secretId as string,
    );
    const auth = countingAuth(
      approleAuth({
        roleIdFile: path.join(dir, 'role-id'),
        secretIdFile: path.join(dir, 'secret-id'),
      }),
    );
    const client = vault.client({ auth });
    await client.kvV2('secret').write('app/x', { v: 1 });
    expect((await client.kvV2('secret').read('app/x'))?.data).toEqual({ v: 1 });
    expect(
      isPermissionDenied(
        await client
          .kvV2('secret')
          .read('other/x')
          .catch((e: unknown) => e),
      ),
    ).toBe(true);
    expect(auth.count()).toBe(1);
    expect(client.status()).toMatchObject({
      authenticated: true,
      expiresAt: expect.any(Number),
    });
  });

  it('revokes its own token on stop', async () => {
    const sid = (await vault.root.auth.approle().generateSecretId('svc'))
      .secretId as string;
    const client = vault.client({
      auth: approleAuth({
        roleId: await vault.root.auth.approle().readRoleId('svc'),
        secretId: sid,
      }),
    });
    await client.login();
    const accessors = await vault.root.auth
      .approle()
      .listSecretIdAccessors('svc');
    expect(accessors.length).toBeGreaterThan(0);
    const token = await client.auth.token.lookupSelf();
    await client.stop();
    await expect(
      vault.root.auth.token.lookupAccessor(token.accessor),
    ).rejects.toThrow();
    expect(client.status().authenticated).toBe(false);
  });

  it('administers userpass users and logs them in', async () => {
    const userpass = vault.root.auth.userpass();
    await userpass.writeUser('Acme', {
      password: 'correct horse',
      tokenPolicies: ['reader'],
      tokenTtl: 300,
    });
    expect(await userpass.readUser('acme')).toMatchObject({
      tokenPolicies: ['reader'],
      tokenTtl: 300,
    });
    expect(await userpass.readUser('acme')).not.toHaveProperty('password');
    expect(await userpass.listUsers()).toEqual(['acme']);
    const auth = await userpass.login('acme', 'correct horse');
    expect(auth).toMatchObject({
      policies: expect.arrayContaining(['default', 'reader']),
      leaseDurationSeconds: 300,
      metadata: { username: 'acme' },
    });
    await expect(userpass.login('acme', 'wrong')).rejects.toThrow(
      /invalid username or password/,
    );
    const client = vault.client({
      auth: userpassAuth({ username: 'acme', password: 'correct horse' }),
    });
    await client.kvV2('secret').write('app/from-user', { ok: true });
    await userpass.updatePassword('acme', 'new password');
    await expect(userpass.login('acme', 'correct horse')).rejects.toThrow();
    await userpass.deleteUser('acme');
    expect(await userpass.listUsers()).toEqual([]);
  });

  it('creates, looks up, renews and revokes tokens', async () => {
    const tokens = vault.root.auth.token;
    const created = await tokens.create({ policies: ['reader'], ttl: '10m' });
    expect(created).toMatchObject({
      policies: ['default', 'reader'],
      leaseDurationSeconds: 600,
      renewable: true,
    });
    const child = vault.root.withToken(created.clientToken);
    expect(await child.auth.token.lookupSelf()).toMatchObject({
      policies: ['default', 'reader'],
      renewable: true,
    });
    expect((await child.auth.token.renewSelf(300)).leaseDurationSeconds).toBe(
      300,
    );
    expect((await tokens.lookupAccessor(created.accessor)).policies).toEqual([
      'default',
      'reader',
    ]);
    await tokens.revokeAccessor(created.accessor);
    expect(
      isPermissionDenied(
        await child.auth.token.lookupSelf().catch((e: unknown) => e),
      ),
    ).toBe(true);
  });

  it('wraps and unwraps once; lookup does not consume the wrapping token', async () => {
    const info = await vault.root.wrapping.wrap({ hello: 'world' }, 60);
    expect(info).toMatchObject({ ttl: 60, creationPath: 'sys/wrapping/wrap' });
    expect(await vault.root.wrapping.lookup(info.token)).toMatchObject({
      creationPath: 'sys/wrapping/wrap',
      creationTtl: 60,
    });
    expect((await vault.root.wrapping.unwrap(info.token)).data).toEqual({
      hello: 'world',
    });
    await expect(vault.root.wrapping.unwrap(info.token)).rejects.toThrow(
      /wrapping token is not valid or does not exist/,
    );
  });

  it('wraps a generated secret_id when asked', async () => {
    const wrapped = await vault.root.auth
      .approle()
      .generateSecretId('svc', { wrapTtlSeconds: 60 });
    expect(wrapped.secretId).toBeUndefined();
    expect(wrapped.wrapInfo).toMatchObject({
      ttl: 60,
      creationPath: 'auth/approle/role/svc/secret-id',
    });
  });
});
