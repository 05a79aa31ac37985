import { AuthError } from './auth-error';

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * True when `segment` is the one base64url encoding of its bytes. RFC 7515 §2 encodes JWS parts
 * as base64url without padding, and RFC 4648 §3.5 lets a decoder reject an encoding whose unused
 * (pad) bits are not zero. We do: otherwise a 64-byte ES256 signature has 16 spellings (its last
 * character carries 4 unused bits), each a different token with the same meaning.
 */
function isCanonicalBase64url(segment: string): boolean {
  return (
    BASE64URL.test(segment) &&
    segment.length % 4 !== 1 &&
    Buffer.from(segment, 'base64url').toString('base64url') === segment
  );
}

function decodeJsonSegment(segment: string): unknown {
  if (!isCanonicalBase64url(segment)) throw new AuthError('malformed');
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new AuthError('malformed');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a compact JWS and decodes header and payload without trusting either. */
export function decodeJwt(
  token: string | undefined,
  maxTokenBytes: number,
): DecodedJwt {
  if (token === undefined || token === '') throw new AuthError('missing_token');
  if (typeof token !== 'string') throw new AuthError('malformed');
  if (Buffer.byteLength(token, 'utf8') > maxTokenBytes)
    throw new AuthError('too_large');
  const parts = token.split('.');
  if (parts.length !== 3) throw new AuthError('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [
    string,
    string,
    string,
  ];
  const header = decodeJsonSegment(headerPart);
  if (!isObject(header) || typeof header['alg'] !== 'string')
    throw new AuthError('malformed');
  if (header['kid'] !== undefined && typeof header['kid'] !== 'string')
    throw new AuthError('malformed');
  // `crit` names extensions the verifier must understand; we understand none (RFC 7515 §4.1.11).
  if (header['crit'] !== undefined) throw new AuthError('malformed');
  const payload = decodeJsonSegment(payloadPart);
  if (!isObject(payload)) throw new AuthError('malformed');
  if (signaturePart !== '' && !isCanonicalBase64url(signaturePart))
    throw new AuthError('malformed');
  return {
    header: header as JwtHeader,
    payload,
    signingInput: `${headerPart}.${payloadPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}
