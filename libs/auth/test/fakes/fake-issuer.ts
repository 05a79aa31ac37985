import * as crypto from 'node:crypto';

export type FakeAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface FakeKey {
  kid: string;
  alg: FakeAlg;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
}

/** Generates a key pair of the kind each algorithm needs. */
export function generateKey(alg: FakeAlg, kid: string): FakeKey {
  const pair =
    alg === 'RS256'
      ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : crypto.generateKeyPairSync('ed25519');
  return { kid, alg, ...pair };
}

/** The public JWK of a fake key, as an OIDC provider publishes it. */
export function publicJwk(
  key: FakeKey,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...key.publicKey.export({ format: 'jwk' }),
    kid: key.kid,
    use: 'sig',
    ...extra,
  };
}

const b64 = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a compact JWS with full control over header and payload (tests need malformed tokens too). */
export function signJwt(
  payload: Record<string, unknown>,
  key: FakeKey,
  header: Record<string, unknown> = {},
): string {
  const fullHeader = { alg: key.alg, kid: key.kid, typ: 'JWT', ...header };
  const input = `${b64(fullHeader)}.${b64(payload)}`;
  const data = Buffer.from(input);
  const signature =
    key.alg === 'EdDSA'
      ? crypto.sign(null, data, key.privateKey)
      : key.alg === 'ES256'
        ? crypto.sign('sha256', data, {
            key: key.privateKey,
            dsaEncoding: 'ieee-p1363',
          })
        : crypto.sign('sha256', data, key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

/** An HS256 token keyed with the issuer's RSA public key PEM: the classic algorithm-confusion attack. */
export function signHs256WithPublicKey(
  payload: Record<string, unknown>,
  key: FakeKey,
): string {
  const input = `${b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`;
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An unsecured JWT (`alg: none`, empty signature). */
export function unsecuredJwt(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** A JWKS endpoint stand-in that counts fetches and can fail or change its keys. */
export function createFakeJwks(initial: FakeKey[]) {
  let keys = initial;
  let failing = false;
  let fetches = 0;
  return {
    fetch: async (): Promise<unknown> => {
      fetches += 1;
      await Promise.resolve();
      if (failing) throw new Error('connect ECONNREFUSED');
      return { keys: keys.map((key) => publicJwk(key)) };
    },
    setKeys(next: FakeKey[]) {
      keys = next;
    },
    setFailing(value: boolean) {
      failing = value;
    },
    fetches: () => fetches,
  };
}
