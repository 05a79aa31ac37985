import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  createJwksVerifier,
  createServiceTokenSigner,
  createServiceTokenVerifier,
  generateServiceKeyPair,
} from '@secret-flows/auth';

export const TENANT_ISSUER = 'http://127.0.0.1:8200/v1/identity/oidc';

// RSA key generation costs up to seconds on a busy machine; one pair of keys per test file is enough.
let rsaKeys:
  | {
      issuer: ReturnType<typeof generateRsa>;
      other: ReturnType<typeof generateRsa>;
    }
  | undefined;
function generateRsa() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
function testRsaKeys() {
  rsaKeys ??= { issuer: generateRsa(), other: generateRsa() };
  return rsaKeys;
}
export const TENANT_AUDIENCE = 'agent';

/**
 * A tenant JWT issuer like Vault's identity tokens (RS256, kid, tenant_id claim) and a verifier
 * that fetches its JWKS through an injected fetch — real verification, no network.
 */
export function createTenantIssuer(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const { privateKey, publicKey } = testRsaKeys().issuer;
  const kid = 'tenant-key-1';
  const jwks = {
    keys: [
      {
        ...(publicKey.export({ format: 'jwk' }) as object),
        kid,
        alg: 'RS256',
        use: 'sig',
      },
    ],
  };
  const verifier = createJwksVerifier({
    jwksUrl: `${TENANT_ISSUER}/.well-known/keys`,
    issuer: TENANT_ISSUER,
    audience: TENANT_AUDIENCE,
    tenantClaim: 'tenant_id',
    fetch: async () => jwks,
    clock: now,
  });

  function sign(
    claims: Record<string, unknown> = {},
    key: KeyObject = privateKey,
    headerKid = kid,
  ): string {
    const iat = Math.floor(now() / 1000);
    const payload = {
      iss: TENANT_ISSUER,
      aud: TENANT_AUDIENCE,
      sub: 'entity-1',
      iat,
      exp: iat + 300,
      tenant_id: 'acme',
      ...claims,
    };
    return jwt.sign(payload, key, { algorithm: 'RS256', keyid: headerKid });
  }

  return {
    verifier,
    sign,
    jwks,
    publicKey,
    otherKey: testRsaKeys().other.privateKey,
  };
}

/** The agent's service-token signer and the wallet's verifier, sharing one trusted key. */
export function createServiceTokens() {
  const pair = generateServiceKeyPair();
  const stranger = generateServiceKeyPair();
  return {
    verifier: createServiceTokenVerifier({
      trustedKeys: { keys: [{ ...pair.publicJwk, kid: pair.keyId }] },
      audience: 'wallet',
      issuer: 'agent',
    }),
    signer: createServiceTokenSigner({
      privateKeyPem: pair.privateKeyPem,
      keyId: pair.keyId,
    }),
    /** A correctly formed token signed by a key the wallet does not trust. */
    untrusted: createServiceTokenSigner({
      privateKeyPem: stranger.privateKeyPem,
      keyId: pair.keyId,
    }),
    wrongAudience: createServiceTokenSigner({
      privateKeyPem: pair.privateKeyPem,
      keyId: pair.keyId,
      audience: 'agent',
    }),
    /** Signed two minutes ago with a 30 s lifetime. */
    expired: createServiceTokenSigner({
      privateKeyPem: pair.privateKeyPem,
      keyId: pair.keyId,
      clock: () => Date.now() - 120_000,
    }),
    publicJwks: { keys: [{ ...pair.publicJwk, kid: pair.keyId }] },
    privateKeyPem: pair.privateKeyPem,
    keyId: pair.keyId,
  };
}
