import { ENV_KEYS, loadConfig } from './config';

describe('vault-dev config', () => {
  it('defaults to loopback 127.0.0.1:8200 in memory', () => {
    expect(loadConfig({}, [])).toEqual(expect.objectContaining({ host: '127.0.0.1', port: 8200, dataDir: undefined, rootTokenId: undefined }));
  });

  it('reads VAULT_DEV_LISTEN_ADDRESS, the root token, the unseal key and --data-dir', () => {
    const config = loadConfig({ VAULT_DEV_LISTEN_ADDRESS: '0.0.0.0:8300', VAULT_DEV_ROOT_TOKEN_ID: 'root', VAULT_DEV_UNSEAL_KEY: 'k' }, ['--data-dir', '/tmp/x']);
    expect(config).toEqual(expect.objectContaining({ host: '0.0.0.0', port: 8300, rootTokenId: 'root', unsealKey: 'k', dataDir: '/tmp/x' }));
  });

  it('takes the advertised address from VAULT_API_ADDR (Vault\'s api_addr), without a trailing slash', () => {
    expect(loadConfig({ VAULT_API_ADDR: 'http://vault-dev:8200/' }, []).apiAddress).toBe('http://vault-dev:8200');
    expect(() => loadConfig({ VAULT_API_ADDR: 'not a url' }, [])).toThrow(/VAULT_API_ADDR/);
  });

  it('reports every problem at once', () => {
    expect(() => loadConfig({ VAULT_DEV_LISTEN_ADDRESS: 'nope', LOG_LEVEL: 'loud' }, ['--bogus'])).toThrow(
      /unknown argument "--bogus"[\s\S]*VAULT_DEV_LISTEN_ADDRESS[\s\S]*LOG_LEVEL/,
    );
  });

  it('lists every variable it reads in ENV_KEYS', () => {
    expect(ENV_KEYS).toEqual(expect.arrayContaining(['VAULT_DEV_LISTEN_ADDRESS', 'VAULT_DEV_ROOT_TOKEN_ID', 'VAULT_DEV_UNSEAL_KEY']));
  });
});
