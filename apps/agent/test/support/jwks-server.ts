import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export const ISSUER = 'http://127.0.0.1/v1/identity/oidc';
export const AUDIENCE = 'agent';

export interface JwksServer {
  jwksUrl: string;
  /** Signs a tenant JWT with the published key (or `key`), valid for `ttlSeconds` (negative = expired). */
  token(
    claims: Record<string, unknown>,
    options?: { key?: KeyObject; ttlSeconds?: number; audience?: string },
  ): string;
  fetches(): number;
  close(): Promise<void>;
}

/** A JWKS endpoint on 127.0.0.1:0 publishing one ES256 key, like Vault's identity/oidc/.well-known/keys. */
export async function startJwksServer(): Promise<JwksServer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const kid = 'tenant-key-1';
  const jwks = {
    keys: [
      { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
    ],
  };
  let fetches = 0;
  const server = http.createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/v1/identity/oidc/.well-known/keys`,
    token(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const ttl = options.ttlSeconds ?? 300;
      return jwt.sign(
        {
          iss: ISSUER,
          aud: options.audience ?? AUDIENCE,
          sub: 'entity-1',
          iat: now - 5,
          exp: now + ttl,
          ...claims,
        },
        options.key ?? privateKey,
        { algorithm: 'ES256', keyid: kid },
      );
    },
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
