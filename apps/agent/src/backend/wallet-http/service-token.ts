import { createServiceTokenSigner } from '@secret-flows/auth';
import type {
  ServiceTokenClaims,
  ServiceTokenSource,
} from './wallet-http-client';

export interface ServiceTokenSourceOptions {
  privateKeyPem: string;
  keyId: string;
}

/**
 * Service tokens for the wallet (ES256, aud `wallet`, 30 s): tenant calls share libs/auth's cached
 * token; tenant administration gets a fresh one carrying its scope and request id, for the
 * wallet's audit trail.
 */
export function createServiceTokenSource(
  options: ServiceTokenSourceOptions,
): ServiceTokenSource {
  const signer = createServiceTokenSigner({
    privateKeyPem: options.privateKeyPem,
    keyId: options.keyId,
  });
  return (claims: ServiceTokenClaims) => signer.sign(claims);
}
