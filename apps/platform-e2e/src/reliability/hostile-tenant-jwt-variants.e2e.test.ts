import type { Platform } from '@secret-flows/cli';
import { startTestPlatform } from '../support/platform';
import { agentCall, tenantJwt } from './support/faults';

// Attack 4 of the hostile-tenant review: one JWT, many spellings. Vault signs tenant JWTs with
// ES256 (deploy/vault/bootstrap.yaml). Its 64-byte signature has 4 unused bits in its last
// base64url character (16 spellings) and a second valid form (s -> n - s, which RFC 7518 §3.4
// does not forbid). The wallet's exchange cache was keyed by the token string, so each spelling
// cost a Vault login (auth/jwt/login). Now non-canonical base64url is refused (RFC 4648 §3.5
// allows it) and the cache is keyed by the verified claims, so the two valid forms cost one.
const P256_N = BigInt(
  '0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551',
);
const ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function highS(jwt: string): string {
  const [h, p, sig] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(sig, 'base64url');
  const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
  const flipped = Buffer.from(
    (P256_N - s).toString(16).padStart(64, '0'),
    'hex',
  );
  return `${h}.${p}.${Buffer.concat([bytes.subarray(0, 32), flipped]).toString('base64url')}`;
}

/** The 15 other spellings of a token's signature (same bytes, non-zero unused bits). */
function unusedBitSpellings(jwt: string): string[] {
  const last = ALPHABET.indexOf(jwt.slice(-1));
  return Array.from({ length: 16 }, (_, bits) => ALPHABET[(last & ~15) | bits])
    .filter((c) => c !== jwt.slice(-1))
    .map((c) => jwt.slice(0, -1) + c);
}

async function exchanges(platform: Platform): Promise<number> {
  const text = await (
    await fetch(`${platform.urls.wallet}/_system/metrics`)
  ).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('vault_jwt_exchanges_total') && l.includes('result="ok"'),
    );
  return line ? Number(line.trim().split(/\s+/).pop()) : 0;
}

describe('attack 4: malleated variants of one tenant JWT (phase 4)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform(4);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('costs one Vault exchange for all the variants of one JWT, refusing the non-canonical ones', async () => {
    const jwt = await tenantJwt(platform, 0);
    const high = highS(jwt);
    expect(high).not.toBe(jwt);
    const nonCanonical = [
      ...unusedBitSpellings(jwt),
      ...unusedBitSpellings(high),
    ];
    expect(nonCanonical).toHaveLength(30);

    const before = await exchanges(platform);
    for (const token of [jwt, high, jwt, high]) {
      expect(
        (await agentCall(platform, token, { path: '/secrets/none' })).status,
      ).toBe(404);
    }
    for (const token of nonCanonical) {
      const res = await agentCall(platform, token, { path: '/secrets/none' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
    }
    expect((await exchanges(platform)) - before).toBe(1);
  });
});
