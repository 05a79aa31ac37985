import * as crypto from 'node:crypto';
import {
  AuthError,
  createServiceTokenSigner,
  createServiceTokenVerifier,
  generateServiceKeyPair,
  type ServiceTokenVerifierOptions,
} from './index';
import { generateKey, signJwt } from '../test/fakes/fake-issuer';

const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;
const current = generateServiceKeyPair();
const previous = generateServiceKeyPair();

function verifierFor(
  options: Partial<ServiceTokenVerifierOptions> = {},
  now = () => NOW_MS,
) {
  return createServiceTokenVerifier({
    trustedKeys: { keys: [current.publicJwk, previous.publicJwk] },
    clock: now,
    ...options,
  });
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
  return 'accepted';
}

// A P-256 key in the shape signJwt expects, so tests can forge tokens with chosen claims.
function asFakeKey(pair: ReturnType<typeof generateServiceKeyPair>) {
  const privateKey = crypto.createPrivateKey(pair.privateKeyPem);
  return {
    kid: pair.keyId,
    alg: 'ES256' as const,
    privateKey,
    publicKey: crypto.createPublicKey(privateKey),
  };
}

describe('service tokens', () => {
  const key = asFakeKey(current);
  const base = {
    iss: 'agent',
    sub: 'agent',
    aud: 'wallet',
    iat: NOW,
    exp: NOW + 30,
  };

  it('signs an ES256 token that the verifier accepts, carrying the request id', () => {
    const signer = createServiceTokenSigner({
      privateKeyPem: current.privateKeyPem,
      keyId: current.keyId,
      clock: () => NOW_MS,
    });
    const claims = verifierFor().verify(signer.sign({ requestId: 'req-1' }));
    expect(claims).toMatchObject({
      issuer: 'agent',
      subject: 'agent',
      keyId: current.keyId,
      requestId: 'req-1',
    });
    expect(claims.expiresAt.getTime() - claims.issuedAt.getTime()).toBe(30_000);
  });

  it('reuses a cached token until less than 10 s are left, then signs a new one', () => {
    const clock = { now: NOW_MS };
    const signer = createServiceTokenSigner({
      privateKeyPem: current.privateKeyPem,
      keyId: current.keyId,
      clock: () => clock.now,
    });
    const first = signer.sign();
    clock.now += 19_000;
    expect(signer.sign()).toBe(first);
    clock.now += 2_000;
    const second = signer.sign();
    expect(second).not.toBe(first);
    expect(
      verifierFor({}, () => clock.now)
        .verify(second)
        .issuedAt.getTime(),
    ).toBe(clock.now);
  });

  it('carries a scope claim for administration calls and caches one token per scope', () => {
    const signer = createServiceTokenSigner({
      privateKeyPem: current.privateKeyPem,
      keyId: current.keyId,
      clock: () => NOW_MS,
    });
    const admin = signer.sign({ scope: 'tenants:admin' });
    expect(signer.sign({ scope: 'tenants:admin' })).toBe(admin);
    expect(signer.sign()).not.toBe(admin);
    expect(verifierFor().verify(admin)).toMatchObject({
      scope: 'tenants:admin',
      scopes: ['tenants:admin'],
    });
    expect(verifierFor().verify(signer.sign()).scopes).toEqual([]);
    expect(() => signer.sign({ scope: 'bad"scope' })).toThrow(TypeError);
  });

  it('rejects a token whose scope claim is not a scope string', () => {
    expect(
      reasonOf(() =>
        verifierFor().verify(
          signJwt({ ...base, scope: ['tenants:admin'] }, key),
        ),
      ),
    ).toBe('malformed');
  });

  it('rejects a token it verified before once that token has expired', () => {
    const clock = { now: NOW_MS };
    const signer = createServiceTokenSigner({
      privateKeyPem: current.privateKeyPem,
      keyId: current.keyId,
      clock: () => clock.now,
    });
    const verifier = verifierFor({}, () => clock.now);
    const token = signer.sign();
    expect(verifier.verify(token).keyId).toBe(current.keyId);
    expect(verifier.verify(token).keyId).toBe(current.keyId);
    clock.now += 36_000;
    expect(reasonOf(() => verifier.verify(token))).toBe('expired');
    expect(reasonOf(() => verifier.verify(token))).toBe('expired');
  });

  it('accepts tokens from every trusted key, so the signing key can rotate', () => {
    for (const pair of [current, previous]) {
      const signer = createServiceTokenSigner({
        privateKeyPem: pair.privateKeyPem,
        keyId: pair.keyId,
        clock: () => NOW_MS,
      });
      expect(verifierFor().verify(signer.sign()).keyId).toBe(pair.keyId);
    }
  });

  it('accepts trusted keys given as PEM with a kid', () => {
    const publicKeyPem = crypto
      .createPublicKey(current.privateKeyPem)
      .export({ format: 'pem', type: 'spki' })
      .toString();
    const verifier = createServiceTokenVerifier({
      trustedKeys: [{ kid: 'pem-key', publicKeyPem }],
      clock: () => NOW_MS,
    });
    const signer = createServiceTokenSigner({
      privateKeyPem: current.privateKeyPem,
      keyId: 'pem-key',
      clock: () => NOW_MS,
    });
    expect(verifier.verify(signer.sign()).keyId).toBe('pem-key');
  });

  it.each<[string, () => string | undefined, string]>([
    ['a missing token', () => undefined, 'missing_token'],
    [
      'an expired token',
      () => signJwt({ ...base, iat: NOW - 60, exp: NOW - 30 }, key),
      'expired',
    ],
    [
      'a token living longer than 60 s',
      () => signJwt({ ...base, exp: NOW + 3600 }, key),
      'expired',
    ],
    [
      'a token without iat',
      () => signJwt({ ...base, iat: undefined }, key),
      'malformed',
    ],
    [
      'a token for another audience',
      () => signJwt({ ...base, aud: 'agent' }, key),
      'bad_audience',
    ],
    [
      'a token from another issuer',
      () => signJwt({ ...base, iss: 'gateway' }, key),
      'bad_issuer',
    ],
    [
      'a token signed by an untrusted key',
      () => signJwt(base, asFakeKey(generateServiceKeyPair())),
      'unknown_key',
    ],
    [
      'a token without kid',
      () => signJwt(base, key, { kid: undefined }),
      'unknown_key',
    ],
    [
      'an untrusted key under a trusted kid',
      () =>
        signJwt(base, {
          ...asFakeKey(generateServiceKeyPair()),
          kid: current.keyId,
        }),
      'bad_signature',
    ],
    [
      'an EdDSA token',
      () => signJwt(base, { ...generateKey('EdDSA', current.keyId) }),
      'unsupported_alg',
    ],
    [
      'a token issued in the future',
      () => signJwt({ ...base, iat: NOW + 60, exp: NOW + 90 }, key),
      'not_yet_valid',
    ],
  ])('rejects %s', (_case, makeToken, reason) => {
    expect(reasonOf(() => verifierFor().verify(makeToken()))).toBe(reason);
  });

  it.each([
    ['a TTL above 60 s', { ttlSeconds: 61 }],
    ['a TTL too short to cache', { ttlSeconds: 5 }],
    [
      'a non-P-256 key',
      {
        privateKeyPem: crypto
          .generateKeyPairSync('ed25519')
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      },
    ],
  ])('refuses to create a signer with %s', (_case, override) => {
    expect(() =>
      createServiceTokenSigner({
        privateKeyPem: current.privateKeyPem,
        keyId: current.keyId,
        ...override,
      }),
    ).toThrow();
  });

  it('refuses trusted keys that are not P-256 public keys', () => {
    const rsa = generateKey('RS256', 'rsa');
    expect(() =>
      createServiceTokenVerifier({
        trustedKeys: {
          keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa' }],
        },
      }),
    ).toThrow(/not a P-256/);
    expect(() => createServiceTokenVerifier({ trustedKeys: [] })).toThrow();
  });

  it('generates key pairs whose kid is the RFC 7638 thumbprint of the public key', () => {
    const pair = generateServiceKeyPair();
    const { crv, kty, x, y } = pair.publicJwk as Record<string, string>;
    const expected = crypto
      .createHash('sha256')
      .update(`{"crv":"${crv}","kty":"${kty}","x":"${x}","y":"${y}"}`)
      .digest('base64url');
    expect(pair.keyId).toBe(expected);
    expect(pair.publicJwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: pair.keyId,
    });
    expect(pair.publicJwk).not.toHaveProperty('d');
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
