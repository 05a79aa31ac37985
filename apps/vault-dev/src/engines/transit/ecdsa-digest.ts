/**
 * ECDSA over a caller-supplied digest (transit `prehashed=true`).
 *
 * Vault's path_sign_verify.go hashes the input only when the key type hashes its signature
 * input and `prehashed` is false (`p.Type.HashSignatureInput() && !prehashed`); otherwise the
 * decoded input *is* the digest handed to `ecdsa.Sign`. node:crypto has no "sign this digest"
 * call for EC keys (it always hashes), so the curve arithmetic is done here with BigInt:
 * FIPS 186-4 §6.4 / SEC 1 §4.1.3 signing (random k) and §4.1.4 verification, digest truncated
 * to the bit length of n as Go's `hashToInt` does. Slow but small; only vault-dev uses it.
 */
import { randomBytes, type KeyObject } from 'node:crypto';

interface Curve {
  p: bigint;
  a: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  bytes: number;
}

// SEC 2 §2.4.2 (secp256r1) and §2.5.1 (secp384r1) domain parameters.
const CURVES: Record<string, Curve> = {
  'P-256': {
    p: BigInt(
      '0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    ),
    a: BigInt(
      '0xffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
    ),
    n: BigInt(
      '0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
    ),
    gx: BigInt(
      '0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
    ),
    gy: BigInt(
      '0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    ),
    bytes: 32,
  },
  'P-384': {
    p: BigInt(
      '0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    ),
    a: BigInt(
      '0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc',
    ),
    n: BigInt(
      '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ),
    gx: BigInt(
      '0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7',
    ),
    gy: BigInt(
      '0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f',
    ),
    bytes: 48,
  },
};

type Point = { x: bigint; y: bigint } | null;

const mod = (v: bigint, m: bigint) => ((v % m) + m) % m;

function inverse(v: bigint, m: bigint): bigint {
  let [a, b, x0, x1] = [mod(v, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  return mod(x0, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  if (P.x === Q.x && mod(P.y + Q.y, c.p) === 0n) return null;
  const l =
    P.x === Q.x && P.y === Q.y
      ? mod((3n * P.x * P.x + c.a) * inverse(2n * P.y, c.p), c.p)
      : mod((Q.y - P.y) * inverse(Q.x - P.x, c.p), c.p);
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

function multiply(c: Curve, k: bigint, P: Point): Point {
  let result: Point = null;
  let addend = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

const toInt = (b: Buffer) =>
  b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`);
const toBytes = (v: bigint, size: number) =>
  Buffer.from(v.toString(16).padStart(size * 2, '0'), 'hex');

/** Go's crypto/ecdsa hashToInt: the leftmost bitlen(n) bits of the digest. */
function digestToInt(c: Curve, digest: Buffer): bigint {
  const bits = c.n.toString(2).length;
  const d = digest.length > c.bytes ? digest.subarray(0, c.bytes) : digest;
  const excess = d.length * 8 - bits;
  const z = toInt(d);
  return excess > 0 ? z >> BigInt(excess) : z;
}

function curveOf(key: KeyObject): Curve {
  const crv = String(key.export({ format: 'jwk' }).crv);
  const c = CURVES[crv];
  if (!c)
    throw new Error(
      `prehashed ECDSA on ${crv} is not implemented by vault-dev`,
    );
  return c;
}

export function supportsPrehashed(type: string): boolean {
  return type === 'ecdsa-p256' || type === 'ecdsa-p384';
}

/** Signs `digest` as is; returns r||s (IEEE P1363), each `bytes` long. */
export function signDigest(privateKey: KeyObject, digest: Buffer): Buffer {
  const c = curveOf(privateKey);
  const d = toInt(
    Buffer.from(String(privateKey.export({ format: 'jwk' }).d), 'base64url'),
  );
  const z = digestToInt(c, digest);
  for (;;) {
    const k = mod(toInt(randomBytes(c.bytes + 8)), c.n - 1n) + 1n;
    const R = multiply(c, k, { x: c.gx, y: c.gy });
    if (!R) continue;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(inverse(k, c.n) * (z + r * d), c.n);
    if (s === 0n) continue;
    return Buffer.concat([toBytes(r, c.bytes), toBytes(s, c.bytes)]);
  }
}

/** Verifies r||s over `digest` as is. */
export function verifyDigest(
  publicKey: KeyObject,
  digest: Buffer,
  signature: Buffer,
): boolean {
  const c = curveOf(publicKey);
  if (signature.length !== 2 * c.bytes) return false;
  const r = toInt(signature.subarray(0, c.bytes));
  const s = toInt(signature.subarray(c.bytes));
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const Q = {
    x: toInt(Buffer.from(String(jwk.x), 'base64url')),
    y: toInt(Buffer.from(String(jwk.y), 'base64url')),
  };
  const w = inverse(s, c.n);
  const z = digestToInt(c, digest);
  const X = add(
    c,
    multiply(c, mod(z * w, c.n), { x: c.gx, y: c.gy }),
    multiply(c, mod(r * w, c.n), Q),
  );
  return X !== null && mod(X.x, c.n) === r;
}

/** DER (asn1 marshaling) <-> r||s. */
export function p1363ToDer(sig: Buffer): Buffer {
  const half = sig.length / 2;
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v[0] & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([
    int(sig.subarray(0, half)),
    int(sig.subarray(half)),
  ]);
  const len =
    body.length < 0x80
      ? Buffer.from([body.length])
      : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

export function derToP1363(der: Buffer, size: number): Buffer | undefined {
  try {
    let i = 0;
    if (der[i++] !== 0x30) return undefined;
    const total = der[i] & 0x80 ? der[i + 1] : der[i];
    i += der[i] & 0x80 ? 2 : 1;
    if (i + total !== der.length) return undefined;
    const out: Buffer[] = [];
    for (let n = 0; n < 2; n++) {
      if (der[i++] !== 0x02) return undefined;
      const len = der[i++];
      let v = der.subarray(i, i + len);
      i += len;
      while (v.length > size && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return undefined;
      out.push(Buffer.concat([Buffer.alloc(size - v.length), v]));
    }
    return i === der.length ? Buffer.concat(out) : undefined;
  } catch {
    return undefined;
  }
}
