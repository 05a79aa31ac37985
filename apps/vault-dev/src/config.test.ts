import { ENV_KEYS, loadConfig } from './config';

describe('vault-dev config', () => {
  it('defaults to loopback 127.0.0.1:8200 in memory', () => {
    expect(loadConfig({}, [])).toEqual(
      expect.objectContaining({
        host: '127.0.0.1',
        port: 8200,
        dataDir: undefined,
        rootTokenId: undefined,
      }),
    );
  });

  it('reads VAULT_DEV_LISTEN_ADDRESS, the root token, the unseal key and --data-dir', () => {
    const config = loadConfig(
      {
        VAULT_DEV_LISTEN_ADDRESS: '0.0.0.0:8300',
        VAULT_DEV_ROOT_TOKEN_ID: 'root',
        VAULT_DEV_UNSEAL_KEY: 'k',
      },
      ['--data-dir', '/tmp/x'],
    );
    expect(config).toEqual(
      expect.objectContaining({
        host: '0.0.0.0',
        port: 8300,
        rootTokenId: 'root',
        unsealKey: 'k',
        dataDir: '/tmp/x',
      }),
    );
  });

  it("takes the advertised address from VAULT_API_ADDR (Vault's api_addr), without a trailing slash", () => {
    expect(
      loadConfig({ VAULT_API_ADDR: 'http://vault-dev:8200/' }, []).apiAddress,
    ).toBe('http://vault-dev:8200');
    expect(() => loadConfig({ VAULT_API_ADDR: 'not a url' }, [])).toThrow(
      /VAULT_API_ADDR/,
    );
  });

  it('reports every problem at once', () => {
    expect(() =>
      loadConfig({ VAULT_DEV_LISTEN_ADDRESS: 'nope', LOG_LEVEL: 'loud' }, [
        '--bogus',
      ]),
    ).toThrow(
      /unknown argument "--bogus"[\s\S]*VAULT_DEV_LISTEN_ADDRESS[\s\S]*LOG_LEVEL/,
    );
  });

  it('lists every variable it reads in ENV_KEYS', () => {
    expect(ENV_KEYS).toEqual(
      expect.arrayContaining([
        'VAULT_DEV_LISTEN_ADDRESS',
        'VAULT_DEV_ROOT_TOKEN_ID',
        'VAULT_DEV_UNSEAL_KEY',
      ]),
    );
  });
});

describe('vault-dev TLS configuration (vault server -dev-tls flags)', () => {
  it('serves plain http unless asked', () => {
    expect(loadConfig({}, []).tls).toBeUndefined();
  });

  it('reads -dev-tls, -dev-tls-cert-dir and repeated or comma-separated -dev-tls-san, with one or two dashes', () => {
    expect(
      loadConfig({}, [
        '-dev-tls',
        '-dev-tls-cert-dir=/tmp/c',
        '--dev-tls-san',
        'vault,10.0.0.1',
        '--dev-tls-san=vault.ns.svc',
      ]).tls,
    ).toEqual({
      certDir: '/tmp/c',
      sans: ['vault', '10.0.0.1', 'vault.ns.svc'],
    });
  });

  it('reads the same from VAULT_DEV_TLS, VAULT_DEV_TLS_CERT_DIR and VAULT_DEV_TLS_SAN', () => {
    expect(
      loadConfig({ VAULT_DEV_TLS: 'true', VAULT_DEV_TLS_SAN: 'a, b' }, []).tls,
    ).toEqual({ sans: ['a', 'b'] });
    expect(
      loadConfig({ VAULT_DEV_TLS: '1', VAULT_DEV_TLS_CERT_DIR: '/c' }, []).tls,
    ).toEqual({ certDir: '/c', sans: [] });
    expect(loadConfig({ VAULT_DEV_TLS: 'false' }, []).tls).toBeUndefined();
    expect(() => loadConfig({ VAULT_DEV_TLS: 'yes' }, [])).toThrow(
      /VAULT_DEV_TLS/,
    );
  });

  it('serves a given certificate from --tls-cert-file / --tls-key-file or their variables', () => {
    expect(
      loadConfig({}, ['--tls-cert-file', '/c.pem', '--tls-key-file', '/k.pem'])
        .tls,
    ).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(
      loadConfig(
        { VAULT_DEV_TLS_CERT_FILE: '/c.pem', VAULT_DEV_TLS_KEY_FILE: '/k.pem' },
        [],
      ).tls,
    ).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('refuses contradictory or incomplete TLS choices', () => {
    expect(() => loadConfig({}, ['--tls-cert-file', '/c.pem'])).toThrow(
      /go together/,
    );
    expect(() =>
      loadConfig({}, [
        '--dev-tls',
        '--tls-cert-file',
        '/c',
        '--tls-key-file',
        '/k',
      ]),
    ).toThrow(/drop --dev-tls/);
    expect(() => loadConfig({}, ['--dev-tls-san', 'x'])).toThrow(
      /need --dev-tls/,
    );
    expect(() => loadConfig({}, ['--dev-tls-cert-dir'])).toThrow(
      /--dev-tls-cert-dir needs a value/,
    );
  });
});
