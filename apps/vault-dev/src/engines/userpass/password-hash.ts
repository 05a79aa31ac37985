/**
 * Password hashing for userpass. Vault uses bcrypt; node:crypto offers scrypt, which
 * is a memory-hard equivalent, so stored hashes are `scrypt$N$r$p$salt$hash`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// N = 2^12 (4 MiB per hash): each concurrent login allocates 128·N·r bytes, and vault-dev
// has a 120 MB RSS budget (docs/benchmarks.md); hashes record N, so raising it later stays compatible.
const PARAMS = { N: 4096, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, params, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

/**
 * Checks a password in constant time. With no stored hash it still derives a key, so
 * an unknown username costs the same as a wrong password (no user enumeration by timing).
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parts = stored?.split('$');
  if (!parts || parts.length !== 6 || parts[0] !== 'scrypt') {
    await derive(password, Buffer.alloc(16), PARAMS);
    return false;
  }
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
