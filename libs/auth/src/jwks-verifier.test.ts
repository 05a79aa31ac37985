import {
  AuthError,
  createJwksVerifier,
  type JwksVerifierOptions,
} from './index';
import {
  createFakeJwks,
  generateKey,
  publicJwk,
  signHs256WithPublicKey,
  signJwt,
  unsecuredJwt,
  type FakeKey,
} from '../test/fakes/fake-issuer';

const ISSUER = 'http://127.0.0.1:8200/v1/identity/oidc';
const AUDIENCE = 'agent';
const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

const rsa = generateKey('RS256', 'rsa-1');
const ec = generateKey('ES256', 'ec-1');
const ed = generateKey('EdDSA', 'ed-1');

function claims(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'entity-1',
    tenant_id: 'acme',
    iat: NOW - 10,
    exp: NOW + 300,
    ...overrides,
  };
}

function setup(
  keys: FakeKey[] = [rsa, ec, ed],
  options: Partial<JwksVerifierOptions> = {},
) {
  const jwks = createFakeJwks(keys);
  const clock = { now: NOW_MS };
  const verifier = createJwksVerifier({
    jwksUrl: 'http://127.0.0.1:8200/v1/identity/oidc/.well-known/keys',
    issuer: ISSUER,
    audience: AUDIENCE,
    fetch: jwks.fetch,
    clock: () => clock.now,
    ...options,
  });
  return { jwks, clock, verifier };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('createJwksVerifier', () => {
  it.each([rsa, ec, ed])(
    'accepts a valid $alg token and returns its tenant, subject and expiry',
    async (key) => {
      const { verifier } = setup();
      const result = await verifier.verify(signJwt(claims(), key));
      expect(result).toMatchObject({ tenantId: 'acme', subject: 'entity-1' });
      expect(result.expiresAt.getTime()).toBe((NOW + 300) * 1000);
      expect(result.claims['iss']).toBe(ISSUER);
    },
  );

  it('accepts an audience array that contains its audience', async () => {
    const { verifier } = setup();
    await expect(
      verifier.verify(signJwt(claims({ aud: ['other', AUDIENCE] }), ec)),
    ).resolves.toMatchObject({ tenantId: 'acme' });
  });

  const tampered = (() => {
    const [h, , s] = signJwt(claims(), rsa).split('.');
    return `${h}.${Buffer.from(JSON.stringify(claims({ tenant_id: 'other-tenant' }))).toString('base64url')}.${s}`;
  })();

  it.each<[string, () => string | undefined, string]>([
    ['no token', () => undefined, 'missing_token'],
    ['an empty token', () => '', 'missing_token'],
    ['a token that is not a JWT', () => 'not-a-jwt', 'malformed'],
    ['a token with a non-JSON header', () => 'e30x.e30.AAAA', 'malformed'],
    [
      'an oversized token',
      () => signJwt(claims({ pad: 'x'.repeat(9000) }), ec),
      'too_large',
    ],
    ['alg none', () => unsecuredJwt(claims()), 'unsupported_alg'],
    [
      'HS256 signed with the RSA public key',
      () => signHs256WithPublicKey(claims(), rsa),
      'unsupported_alg',
    ],
    [
      'ES256 declared for an RSA key',
      () => signJwt(claims(), { ...ec, kid: rsa.kid }),
      'unsupported_alg',
    ],
    ['a payload changed after signing', () => tampered, 'bad_signature'],
    [
      'a signature by another key under a known kid',
      () => signJwt(claims(), { ...generateKey('ES256', 'x'), kid: ec.kid }),
      'bad_signature',
    ],
    [
      'a wrong issuer',
      () => signJwt(claims({ iss: 'https://evil.example' }), rsa),
      'bad_issuer',
    ],
    [
      'a wrong audience',
      () => signJwt(claims({ aud: 'wallet' }), rsa),
      'bad_audience',
    ],
    [
      'no audience',
      () => signJwt(claims({ aud: undefined }), rsa),
      'bad_audience',
    ],
    [
      'an expired token (beyond the 30 s leeway)',
      () => signJwt(claims({ exp: NOW - 31 }), rsa),
      'expired',
    ],
    [
      'no exp claim',
      () => signJwt(claims({ exp: undefined }), rsa),
      'malformed',
    ],
    [
      'a string exp claim',
      () => signJwt(claims({ exp: String(NOW + 300) }), rsa),
      'malformed',
    ],
    [
      'nbf in the future',
      () => signJwt(claims({ nbf: NOW + 120 }), rsa),
      'not_yet_valid',
    ],
    [
      'iat in the future',
      () => signJwt(claims({ iat: NOW + 120 }), rsa),
      'not_yet_valid',
    ],
    [
      'no tenant claim',
      () => signJwt(claims({ tenant_id: undefined }), rsa),
      'bad_tenant_claim',
    ],
    [
      'a numeric tenant claim',
      () => signJwt(claims({ tenant_id: 42 }), rsa),
      'bad_tenant_claim',
    ],
    [
      'a tenant claim with a path separator',
      () => signJwt(claims({ tenant_id: 'acme/../other' }), rsa),
      'bad_tenant_claim',
    ],
    [
      'an empty tenant claim',
      () => signJwt(claims({ tenant_id: '' }), rsa),
      'bad_tenant_claim',
    ],
    ['no subject', () => signJwt(claims({ sub: undefined }), rsa), 'malformed'],
    [
      'an unknown kid',
      () => signJwt(claims(), generateKey('ES256', 'unknown')),
      'unknown_key',
    ],
    [
      'no kid while the issuer has several keys',
      () => signJwt(claims(), rsa, { kid: undefined }),
      'unknown_key',
    ],
  ])('rejects %s', async (_case, makeToken, reason) => {
    const { verifier } = setup();
    await expect(reasonOf(verifier.verify(makeToken()))).resolves.toBe(reason);
  });

  it('refuses a signature spelled with non-zero unused base64url bits (RFC 4648 §3.5), accepts the canonical one', async () => {
    const { verifier } = setup();
    const token = signJwt(claims(), ec);
    const [h, p, sig] = token.split('.') as [string, string, string];
    // 64 bytes = 86 characters; the last one carries 4 unused bits, so 15 other spellings decode
    // to the same signature.
    const alphabet =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.slice(-1));
    const variants = Array.from(
      { length: 16 },
      (_, bits) => alphabet[(last & ~15) | bits],
    )
      .filter((c) => c !== sig.slice(-1))
      .map((c) => `${h}.${p}.${sig.slice(0, -1)}${c}`);
    expect(variants).toHaveLength(15);
    for (const variant of variants) {
      expect(Buffer.from(variant.split('.')[2], 'base64url')).toEqual(
        Buffer.from(sig, 'base64url'),
      );
      await expect(reasonOf(verifier.verify(variant))).resolves.toBe(
        'malformed',
      );
    }
    await expect(verifier.verify(token)).resolves.toMatchObject({
      tenantId: 'acme',
    });
    // Header and payload segments are held to the same rule.
    const payload = Buffer.from(JSON.stringify(claims())).toString('base64url');
    expect(Buffer.from(payload, 'base64url').toString('base64url')).toBe(
      payload,
    );
  });

  it('accepts a token that expired within the leeway', async () => {
    const { verifier } = setup();
    await expect(
      verifier.verify(signJwt(claims({ exp: NOW - 20 }), rsa)),
    ).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('accepts a token without kid when the issuer publishes exactly one key', async () => {
    const { verifier } = setup([ec]);
    await expect(
      verifier.verify(signJwt(claims(), ec, { kid: undefined })),
    ).resolves.toMatchObject({ tenantId: 'acme' });
  });

  it('refuses a token whose alg differs from the alg pinned in the JWK', async () => {
    const pinned = generateKey('ES256', 'pinned');
    const verifier = createJwksVerifier({
      jwksUrl: 'http://127.0.0.1:1/keys',
      issuer: ISSUER,
      audience: AUDIENCE,
      clock: () => NOW_MS,
      fetch: async () => ({ keys: [publicJwk(pinned, { alg: 'EdDSA' })] }),
    });
    await expect(
      reasonOf(verifier.verify(signJwt(claims(), pinned))),
    ).resolves.toBe('unsupported_alg');
  });

  it('reads the tenant from a configured claim name', async () => {
    const { verifier } = setup([ec], { tenantClaim: 'org' });
    await expect(
      verifier.verify(
        signJwt(claims({ tenant_id: undefined, org: 'globex' }), ec),
      ),
    ).resolves.toMatchObject({ tenantId: 'globex' });
  });

  it('never puts the token into an error message', async () => {
    const { verifier } = setup();
    const tokens = [
      tampered,
      signJwt(claims({ exp: NOW - 100 }), ec),
      signJwt(claims({ aud: 'x' }), ed),
      unsecuredJwt(claims()),
    ];
    for (const token of tokens) {
      const err = await verifier.verify(token).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      for (const part of token.split('.').filter(Boolean))
        expect(String((err as Error).message)).not.toContain(part);
    }
  });

  it('fetches the JWKS once for many tokens signed by known keys', async () => {
    const { verifier, jwks } = setup();
    for (let i = 0; i < 20; i += 1)
      await verifier.verify(signJwt(claims(), [rsa, ec, ed][i % 3] as FakeKey));
    expect(jwks.fetches()).toBe(1);
    expect(verifier.stats().jwksFetches).toBe(1);
  });

  it('shares one fetch among concurrent first verifications', async () => {
    const { verifier, jwks } = setup();
    await Promise.all(
      Array.from({ length: 10 }, () => verifier.verify(signJwt(claims(), ec))),
    );
    expect(jwks.fetches()).toBe(1);
  });

  it('refreshes once for an unknown kid, then rate-limits refreshes until the interval has passed', async () => {
    const { verifier, jwks, clock } = setup([rsa]);
    await verifier.verify(signJwt(claims(), rsa));
    const rotated = generateKey('ES256', 'rotated');
    jwks.setKeys([rsa, rotated]);
    clock.now += 31_000;
    await expect(
      verifier.verify(signJwt(claims(), rotated)),
    ).resolves.toMatchObject({ tenantId: 'acme' });
    expect(jwks.fetches()).toBe(2);

    const later = generateKey('ES256', 'later');
    jwks.setKeys([rsa, rotated, later]);
    await expect(
      reasonOf(verifier.verify(signJwt(claims(), later))),
    ).resolves.toBe('unknown_key');
    await expect(
      reasonOf(
        verifier.verify(signJwt(claims(), generateKey('ES256', 'forged'))),
      ),
    ).resolves.toBe('unknown_key');
    expect(jwks.fetches()).toBe(2);

    clock.now += 30_000;
    await expect(
      verifier.verify(signJwt(claims(), later)),
    ).resolves.toMatchObject({ tenantId: 'acme' });
    expect(jwks.fetches()).toBe(3);
  });

  it('reuses a verified token without a second signature check but still rejects it once expired', async () => {
    const { verifier, clock } = setup([ec]);
    const token = signJwt(claims({ exp: NOW + 60 }), ec);
    const first = await verifier.verify(token);
    await expect(verifier.verify(token)).resolves.toEqual(first);
    expect(verifier.stats().verifiedCacheHits).toBe(1);
    clock.now += 91_000;
    await expect(reasonOf(verifier.verify(token))).resolves.toBe('expired');
    await expect(reasonOf(verifier.verify(token))).resolves.toBe('expired');
    expect(verifier.stats().verifiedCacheHits).toBe(2);
  });

  it('never caches a refused token, so a fixed clock or key cannot turn it valid by reuse', async () => {
    const { verifier } = setup([ec]);
    const bad = signJwt(claims({ aud: 'wallet' }), ec);
    await reasonOf(verifier.verify(bad));
    await expect(reasonOf(verifier.verify(bad))).resolves.toBe('bad_audience');
    expect(verifier.stats().verifiedCacheHits).toBe(0);
  });

  it('bounds the verified-token cache and forgets the least recently used token first', async () => {
    const { verifier } = setup([ec], { verifiedCacheSize: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((t) =>
      signJwt(claims({ tenant_id: t }), ec),
    ) as [string, string, string];
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a);
    await verifier.verify(c);
    const hitsBefore = verifier.stats().verifiedCacheHits;
    await verifier.verify(a);
    expect(verifier.stats().verifiedCacheHits).toBe(hitsBefore + 1);
    await verifier.verify(b);
    expect(verifier.stats().verifiedCacheHits).toBe(hitsBefore + 1);
  });

  it('reports each fetch and its result to onJwksFetch', async () => {
    const results: string[] = [];
    const { verifier, jwks, clock } = setup([ec], {
      onJwksFetch: (result) => results.push(result),
    });
    jwks.setFailing(true);
    await reasonOf(verifier.verify(signJwt(claims(), ec)));
    jwks.setFailing(false);
    clock.now += 1000;
    await verifier.verify(signJwt(claims(), ec));
    expect(results).toEqual(['error', 'ok']);
  });

  it('reports an unreachable JWKS as jwks_unavailable with status 503, backs off, and recovers', async () => {
    const { verifier, jwks, clock } = setup([ec], { failureBackoffMs: 1000 });
    jwks.setFailing(true);
    const err = (await verifier
      .verify(signJwt(claims(), ec))
      .catch((e: unknown) => e)) as AuthError;
    expect(err.reason).toBe('jwks_unavailable');
    expect(err.status).toBe(503);
    await expect(
      reasonOf(verifier.verify(signJwt(claims(), ec))),
    ).resolves.toBe('jwks_unavailable');
    expect(jwks.fetches()).toBe(1);

    jwks.setFailing(false);
    clock.now += 1000;
    await expect(verifier.verify(signJwt(claims(), ec))).resolves.toMatchObject(
      { tenantId: 'acme' },
    );
    expect(jwks.fetches()).toBe(2);
  });

  it('never fetches the JWKS for a token whose algorithm is refused', async () => {
    const { verifier, jwks } = setup();
    await reasonOf(verifier.verify(unsecuredJwt(claims())));
    await reasonOf(verifier.verify(signHs256WithPublicKey(claims(), rsa)));
    expect(jwks.fetches()).toBe(0);
  });

  it.each<[string, Partial<JwksVerifierOptions>]>([
    ['a leeway above 60 s', { clockToleranceSeconds: 61 }],
    ['a symmetric algorithm', { algorithms: ['HS256' as never] }],
    ['an empty algorithm list', { algorithms: [] }],
    ['a missing audience', { audience: '' }],
    ['a JWKS URL that is not http(s)', { jwksUrl: 'file:///etc/keys' }],
  ])('refuses to start with %s', (_case, options) => {
    expect(() => setup([ec], options)).toThrow();
  });
});
