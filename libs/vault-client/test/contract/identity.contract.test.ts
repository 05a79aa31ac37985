import { jwtAuth, userpassAuth } from '../../src/index';
import { startVault, verifyWithJwks, type TestVault } from './harness';

describe('identity against vault-dev', () => {
  let vault: TestVault;
  let userpassAccessor: string;
  beforeAll(async () => {
    vault = await startVault();
    await vault.root.sys.enableAuthMethod('userpass', { type: 'userpass' });
    userpassAccessor = (await vault.root.sys.authAccessor(
      'userpass',
    )) as string;
  });
  afterAll(() => vault.stop());

  it('creates, reads, updates, lists and deletes entities', async () => {
    const identity = vault.root.identity;
    const { id } = await identity.createEntity({
      name: 'tenant-a',
      metadata: { tenant_id: 'a' },
    });
    expect(await identity.readEntity(id)).toMatchObject({
      id,
      name: 'tenant-a',
      metadata: { tenant_id: 'a' },
      disabled: false,
      aliases: [],
    });
    await identity.updateEntity(id, { disabled: true });
    expect((await identity.readEntityByName('tenant-a'))?.disabled).toBe(true);
    expect(await identity.listEntities()).toContain(id);
    expect(await identity.listEntityNames()).toContain('tenant-a');
    await identity.deleteEntity(id);
    expect(await identity.readEntity(id)).toBeUndefined();
  });

  it('returns the id of an existing entity when created again by name', async () => {
    const first = await vault.root.identity.createEntity({
      name: 'again',
      metadata: { tenant_id: 'x' },
    });
    const second = await vault.root.identity.createEntity({
      name: 'again',
      metadata: { tenant_id: 'x' },
    });
    expect(second.id).toBe(first.id);
  });

  it('binds aliases to entities and finds entities by alias', async () => {
    const identity = vault.root.identity;
    const { id } = await identity.createEntity({
      name: 'tenant-b',
      metadata: { tenant_id: 'b' },
    });
    const alias = await identity.createEntityAlias({
      name: 'b-user',
      canonicalId: id,
      mountAccessor: userpassAccessor,
    });
    expect(await identity.readEntityAlias(alias.id)).toMatchObject({
      canonicalId: id,
      name: 'b-user',
      mountAccessor: userpassAccessor,
    });
    expect(
      (
        await identity.lookupEntity({
          aliasName: 'b-user',
          aliasMountAccessor: userpassAccessor,
        })
      )?.id,
    ).toBe(id);
    expect(
      (await identity.lookupEntity({ name: 'tenant-b' }))?.aliases,
    ).toHaveLength(1);
    expect(await identity.lookupEntity({ name: 'nobody' })).toBeUndefined();
    await identity.deleteEntityAlias(alias.id);
    expect(await identity.readEntityAlias(alias.id)).toBeUndefined();
  });

  describe('OIDC identity tokens and the JWT method', () => {
    let clientId: string;
    beforeAll(async () => {
      const oidc = vault.root.identity.oidc;
      await oidc.createKey('tenant', {
        algorithm: 'ES256',
        rotationPeriod: '24h',
        verificationTtl: '48h',
        allowedClientIds: ['*'],
      });
      await oidc.createRole('tenant', {
        key: 'tenant',
        ttl: '1h',
        template: '{"tenant_id": {{identity.entity.metadata.tenant_id}}}',
      });
      clientId = (await oidc.readRole('tenant'))?.clientId as string;
      await vault.root.sys.writePolicy(
        'tenant-login',
        'path "identity/oidc/token/tenant" {\n  capabilities = ["read"]\n}\n',
      );
      const { id } = await vault.root.identity.createEntity({
        name: 'tenant-c',
        metadata: { tenant_id: 'c' },
      });
      await vault.root.identity.createEntityAlias({
        name: 'c-user',
        canonicalId: id,
        mountAccessor: userpassAccessor,
      });
      await vault.root.auth.userpass().writeUser('c-user', {
        password: 'pw-c',
        tokenPolicies: ['tenant-login'],
      });
    });

    it('reads keys and roles back', async () => {
      expect(await vault.root.identity.oidc.readKey('tenant')).toMatchObject({
        algorithm: 'ES256',
        rotationPeriod: 86400,
        verificationTtl: 172800,
      });
      expect(await vault.root.identity.oidc.readRole('tenant')).toMatchObject({
        key: 'tenant',
        ttl: 3600,
        clientId: expect.any(String),
      });
    });

    it('issues a tenant JWT that verifies against the published JWKS', async () => {
      const tenant = vault.client({
        auth: userpassAuth({ username: 'c-user', password: 'pw-c' }),
      });
      const {
        token,
        clientId: aud,
        ttl,
      } = await tenant.identity.oidc.generateToken('tenant');
      expect(aud).toBe(clientId);
      expect(ttl).toBe(3600);
      const discovery = await vault.root.identity.oidc.openidConfiguration();
      expect(discovery.issuer).toBe(`${vault.server.address}/v1/identity/oidc`);
      const claims = verifyWithJwks(
        token,
        await vault.root.identity.oidc.jwks(),
        clientId,
      );
      expect(claims).toMatchObject({
        iss: discovery.issuer,
        aud: clientId,
        tenant_id: 'c',
      });
      expect(await vault.root.identity.oidc.introspect(token)).toEqual({
        active: true,
      });
      expect(
        (await vault.root.identity.oidc.introspect(`${token}x`)).active,
      ).toBe(false);
    });

    it('exchanges the tenant JWT for a Vault token through the JWT method', async () => {
      await vault.root.sys.enableAuthMethod('jwt', { type: 'jwt' });
      const { issuer } = await vault.root.identity.oidc.openidConfiguration();
      const jwtApi = vault.root.auth.jwt();
      await jwtApi.writeConfig({
        jwksUrl: `${vault.server.address}/v1/identity/oidc/.well-known/keys`,
        boundIssuer: issuer,
      });
      await jwtApi.writeRole('tenant', {
        roleType: 'jwt',
        userClaim: 'tenant_id',
        boundAudiences: [clientId],
        tokenPolicies: ['default'],
        tokenTtl: 300,
      });
      expect(await jwtApi.readRole('tenant')).toMatchObject({
        roleType: 'jwt',
        userClaim: 'tenant_id',
        boundAudiences: [clientId],
      });
      const tenant = vault.client({
        auth: userpassAuth({ username: 'c-user', password: 'pw-c' }),
      });
      const tenantJwt = (await tenant.identity.oidc.generateToken('tenant'))
        .token;
      const auth = await jwtApi.login('tenant', tenantJwt);
      expect(auth).toMatchObject({
        leaseDurationSeconds: 300,
        metadata: expect.objectContaining({ role: 'tenant' }),
      });
      const viaStrategy = vault.client({
        auth: jwtAuth({ role: 'tenant', jwt: async () => tenantJwt }),
      });
      await viaStrategy.login();
      expect(viaStrategy.status().authenticated).toBe(true);
      await expect(
        jwtApi.login('tenant', tenantJwt.replace(/\.[^.]+$/, '.AAAA')),
      ).rejects.toThrow(/error validating token/);
    });
  });
});
