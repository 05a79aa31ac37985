import { createPrivateKey, randomUUID } from 'node:crypto';
import { createServiceTokenSigner } from '@secret-flows/auth';
import jwt from 'jsonwebtoken';
import type { ServiceTokenClaims, ServiceTokenSource } from './wallet-http-client';

export interface ServiceTokenSourceOptions {
  privateKeyPem: string;
  keyId: string;
  /** Lifetime of a scoped (admin) token; the wallet accepts at most 60 s. */
  scopedTtlSeconds?: number;
}

/**
 * Service tokens for the wallet: tenant calls share libs/auth's cached token; tenant administration
 * gets a fresh token with the `scope` claim. libs/auth's signer has no scope claim yet, so scoped
 * tokens are signed here with the same key and the same iss/aud/kid; fold this back into libs/auth
 * when it grows one.
 */
export function createServiceTokenSource(options: ServiceTokenSourceOptions): ServiceTokenSource {
  const signer = createServiceTokenSigner({ privateKeyPem: options.privateKeyPem, keyId: options.keyId });
  const privateKey = createPrivateKey(options.privateKeyPem);
  const ttlSeconds = options.scopedTtlSeconds ?? 30;
  return (claims: ServiceTokenClaims) => {
    if (claims.scope === undefined) return signer.sign();
    const now = Math.floor(Date.now() / 1000);
    return jwt.sign(
      { iss: 'agent', sub: 'agent', aud: 'wallet', iat: now, exp: now + ttlSeconds, jti: randomUUID(), scope: claims.scope },
      privateKey,
      { algorithm: 'ES256', keyid: options.keyId },
    );
  };
}
