import { ConfigError, ENV_KEYS, loadConfig } from './config';

const BASE = {
  VAULT_ADDR: 'http://127.0.0.1:8200',
  VAULT_APPROLE_ROLE_ID_FILE: '/run/secrets/role-id',
  VAULT_APPROLE_SECRET_ID_FILE: '/run/secrets/secret-id',
  TENANT_JWT_JWKS_URL:
    'http://127.0.0.1:8200/v1/identity/oidc/.well-known/keys',
  TENANT_JWT_ISSUER: 'http://127.0.0.1:8200/v1/identity/oidc',
  TENANT_JWT_AUDIENCE: 'agent',
  SERVICE_JWT_PUBLIC_KEYS_FILE: '/run/config/service-keys.json',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      http: { host: '127.0.0.1', port: 8086 },
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      tenancy: 'single',
      tenantRateLimitPerMinute: 600,
      vault: {
        timeoutMs: 5000,
        kvMount: 'secret',
        jwtAuthMount: 'jwt',
        jwtRole: 'tenant',
        userpassMount: 'userpass',
      },
      tenantJwt: { tenantClaim: 'tenant_id' },
    });
    expect(config.vault.auth).toEqual({
      kind: 'approle',
      mount: 'approle',
      roleId: undefined,
      roleIdFile: '/run/secrets/role-id',
      secretIdFile: '/run/secrets/secret-id',
      wrappedSecretIdFile: undefined,
    });
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig(BASE);
    expect(Object.isFrozen(config.vault.auth)).toBe(true);
  });

  it('accepts a wrapped secret_id file instead of a plain one', () => {
    const env = {
      ...BASE,
      VAULT_APPROLE_SECRET_ID_FILE: undefined,
      VAULT_APPROLE_WRAPPED_SECRET_ID_FILE: '/run/wrapped',
    };
    expect(loadConfig(env).vault.auth).toMatchObject({
      kind: 'approle',
      wrappedSecretIdFile: '/run/wrapped',
    });
  });

  it('refuses a static Vault token unless development mode allows it', () => {
    const env = {
      ...BASE,
      VAULT_APPROLE_ROLE_ID_FILE: undefined,
      VAULT_APPROLE_SECRET_ID_FILE: undefined,
      VAULT_TOKEN: 'root',
    };
    expect(problemsOf(env)).toEqual([
      expect.stringMatching(/^VAULT_TOKEN: static token auth is refused/),
    ]);
    expect(
      loadConfig({ ...env, WALLET_ALLOW_TOKEN_AUTH: 'true' }).vault.auth,
    ).toEqual({ kind: 'token', token: 'root', tokenFile: undefined });
  });

  it('refuses a token mixed with AppRole even in development mode', () => {
    expect(
      problemsOf({
        ...BASE,
        VAULT_TOKEN_FILE: '/t',
        WALLET_ALLOW_TOKEN_AUTH: 'true',
      }),
    ).toEqual([expect.stringContaining('not both')]);
  });

  it('lists every problem at once and never echoes a value', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      VAULT_ADDR: 'not a url',
      TENANT_JWT_AUDIENCE: 'agent',
      WALLET_TENANCY: 'both',
      WALLET_ALLOW_TOKEN_AUTH: 'yes',
      VAULT_APPROLE_ROLE_ID: 'super-secret-role-id',
    });
    const vars = problems.map((p) => p.split(':')[0]).sort();
    expect(vars).toEqual(
      expect.arrayContaining([
        'PORT',
        'SERVICE_JWT_PUBLIC_KEYS_FILE',
        'TENANT_JWT_ISSUER',
        'TENANT_JWT_JWKS_URL',
        'VAULT_ADDR',
        'WALLET_ALLOW_TOKEN_AUTH',
        'WALLET_TENANCY',
      ]),
    );
    expect(problems.join('\n')).not.toContain('super-secret-role-id');
    expect(vars).toContain('VAULT_APPROLE_SECRET_ID_FILE');
  });

  it('reports a refused static token together with other problems', () => {
    expect(
      problemsOf({ VAULT_TOKEN: 'root', VAULT_ADDR: 'http://127.0.0.1:8200' }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^VAULT_TOKEN: static token auth is refused/),
        expect.stringMatching(/^TENANT_JWT_ISSUER/),
      ]),
    );
  });

  it('requires a secret_id source for AppRole', () => {
    expect(
      problemsOf({ ...BASE, VAULT_APPROLE_SECRET_ID_FILE: undefined }),
    ).toEqual([
      expect.stringMatching(/^VAULT_APPROLE_SECRET_ID_FILE: set exactly one/),
    ]);
  });

  it('knows every variable it reads', () => {
    expect(new Set(ENV_KEYS).size).toBe(ENV_KEYS.length);
    for (const key of Object.keys(BASE)) expect(ENV_KEYS).toContain(key);
  });
});
