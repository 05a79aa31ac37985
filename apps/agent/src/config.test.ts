import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, ENV_KEYS, loadConfig, VAULT_ENV_KEYS } from './config';

const walletEnv = {
  AGENT_SECRET_BACKEND: 'wallet',
  WALLET_URL: 'http://127.0.0.1:8086',
  TENANT_JWT_JWKS_URL:
    'http://127.0.0.1:8200/v1/identity/oidc/.well-known/keys',
  TENANT_JWT_ISSUER: 'http://127.0.0.1:8200/v1/identity/oidc',
  TENANT_JWT_AUDIENCE: 'agent',
  SERVICE_JWT_PRIVATE_KEY_FILE: '/run/secrets/service-key.pem',
  SERVICE_JWT_KEY_ID: 'agent-1',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('agent config', () => {
  it('reads phase 1 (vault backend with a token) with documented defaults', () => {
    const config = loadConfig({
      AGENT_SECRET_BACKEND: 'vault',
      VAULT_ADDR: 'http://127.0.0.1:8200',
      VAULT_TOKEN: 'root',
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8085,
      tenancy: 'single',
      adminKey: { kind: 'none' },
      backend: {
        kind: 'vault',
        kvMount: 'secret',
        timeoutMs: 5000,
        auth: { method: 'token', token: 'root' },
      },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads phase 2 (AppRole with a role_id and a secret_id file)', () => {
    const config = loadConfig({
      AGENT_SECRET_BACKEND: 'vault',
      VAULT_ADDR: 'http://127.0.0.1:8200',
      VAULT_APPROLE_ROLE_ID: 'role',
      VAULT_APPROLE_SECRET_ID_FILE: '/run/secrets/secret-id',
    });
    expect(config.backend).toMatchObject({
      auth: {
        method: 'approle',
        mount: 'approle',
        roleId: 'role',
        secretIdFile: '/run/secrets/secret-id',
      },
    });
  });

  it('reads phases 3-4 (wallet backend) and multi tenancy', () => {
    const config = loadConfig({
      ...walletEnv,
      AGENT_TENANCY: 'multi',
      PORT: '0',
    });
    expect(config).toMatchObject({
      port: 0,
      tenancy: 'multi',
      backend: {
        kind: 'wallet',
        url: 'http://127.0.0.1:8086',
        tenantJwt: { tenantClaim: 'tenant_id', audience: 'agent' },
      },
    });
  });

  it.each(VAULT_ENV_KEYS)(
    'refuses to start in wallet mode when %s is set',
    (key) => {
      expect(problemsOf({ ...walletEnv, [key]: 'x' }).join('\n')).toContain(
        key,
      );
    },
  );

  it('lists every problem at once and never echoes a value', () => {
    const problems = problemsOf({
      AGENT_SECRET_BACKEND: 'wallet',
      VAULT_TOKEN: 'hvs.super-secret-token',
      PORT: 'abc',
    });
    const text = problems.join('\n');
    expect(text).toContain('PORT');
    expect(text).not.toContain('hvs.super-secret-token');
  });

  it('names every missing wallet-mode variable', () => {
    const text = problemsOf({ AGENT_SECRET_BACKEND: 'wallet' }).join('\n');
    for (const key of [
      'WALLET_URL',
      'TENANT_JWT_JWKS_URL',
      'TENANT_JWT_ISSUER',
      'TENANT_JWT_AUDIENCE',
      'SERVICE_JWT_PRIVATE_KEY_FILE',
      'SERVICE_JWT_KEY_ID',
    ]) {
      expect(text).toContain(key);
    }
  });

  it.each([
    ['no backend', {}, 'AGENT_SECRET_BACKEND'],
    [
      'vault without an address',
      { AGENT_SECRET_BACKEND: 'vault', VAULT_TOKEN: 't' },
      'VAULT_ADDR',
    ],
    [
      'vault without credentials',
      { AGENT_SECRET_BACKEND: 'vault', VAULT_ADDR: 'http://v:8200' },
      'VAULT_TOKEN',
    ],
    [
      'both token and AppRole',
      {
        AGENT_SECRET_BACKEND: 'vault',
        VAULT_ADDR: 'http://v:8200',
        VAULT_TOKEN: 't',
        VAULT_APPROLE_ROLE_ID: 'r',
        VAULT_APPROLE_SECRET_ID_FILE: '/f',
      },
      'not both',
    ],
    [
      'multi tenancy in vault mode',
      {
        AGENT_SECRET_BACKEND: 'vault',
        VAULT_ADDR: 'http://v:8200',
        VAULT_TOKEN: 't',
        AGENT_TENANCY: 'multi',
      },
      'AGENT_TENANCY',
    ],
    [
      'a short admin key',
      {
        AGENT_SECRET_BACKEND: 'vault',
        VAULT_ADDR: 'http://v:8200',
        VAULT_TOKEN: 't',
        ADMIN_API_KEY: 'admin',
      },
      'ADMIN_API_KEY',
    ],
    [
      'a missing admin key file',
      {
        AGENT_SECRET_BACKEND: 'vault',
        VAULT_ADDR: 'http://v:8200',
        VAULT_TOKEN: 't',
        ADMIN_API_KEY_FILE: '/nonexistent/admin',
      },
      'ADMIN_API_KEY_FILE',
    ],
  ])('refuses %s', (_what, env, mentioned) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toContain(
      mentioned,
    );
  });

  it('takes the admin key from a file by path, without reading it at startup into the config', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-config-'));
    const file = path.join(dir, 'admin');
    fs.writeFileSync(file, 'a-long-enough-admin-key');
    try {
      const config = loadConfig({
        AGENT_SECRET_BACKEND: 'vault',
        VAULT_ADDR: 'http://v:8200',
        VAULT_TOKEN: 't',
        ADMIN_API_KEY_FILE: file,
      });
      expect(config.adminKey).toEqual({ kind: 'file', path: file });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows every variable of the Agent section of docs/configuration.md', () => {
    for (const key of [
      'AGENT_SECRET_BACKEND',
      'AGENT_TENANCY',
      'WALLET_URL',
      'WALLET_TIMEOUT_MS',
      'ADMIN_API_KEY',
      'ADMIN_API_KEY_FILE',
    ]) {
      expect(ENV_KEYS).toContain(key);
    }
  });
});
