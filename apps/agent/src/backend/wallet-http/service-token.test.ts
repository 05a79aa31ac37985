import {
  createServiceTokenVerifier,
  generateServiceKeyPair,
} from '@secret-flows/auth';
import jwt from 'jsonwebtoken';
import { createServiceTokenSource } from './service-token';

describe('agent service tokens', () => {
  const pair = generateServiceKeyPair();
  const source = createServiceTokenSource({
    privateKeyPem: pair.privateKeyPem,
    keyId: pair.keyId,
  });
  const verifier = createServiceTokenVerifier({
    trustedKeys: { keys: [pair.publicJwk] },
  });

  it('signs tenant-call tokens the wallet verifies, reusing one while it is fresh', () => {
    const token = source({}) as string;
    expect(verifier.verify(token)).toMatchObject({ issuer: 'agent' });
    expect(source({})).toBe(token);
    expect(jwt.decode(token)).not.toHaveProperty('scope');
  });

  it('gives tenant administration its own token carrying the scope and the request id', () => {
    const token = source({
      scope: 'tenants:admin',
      requestId: 'req-7',
    }) as string;
    expect(verifier.verify(token)).toMatchObject({ requestId: 'req-7' });
    expect(jwt.decode(token)).toMatchObject({
      scope: 'tenants:admin',
      aud: 'wallet',
      request_id: 'req-7',
    });
    expect(token).not.toBe(source({}));
  });
});
