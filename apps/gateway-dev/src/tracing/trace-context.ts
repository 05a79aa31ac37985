import { randomBytes } from 'node:crypto';

/** The fields of a W3C `traceparent` header. */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly isSampled: boolean;
}

const TRACEPARENT =
  /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a `traceparent` per W3C Trace Context: version ff and all-zero ids are invalid, and a
 * version-00 header must be exactly 55 characters (later versions may append fields).
 */
export function parseTraceParent(
  header: string | undefined,
): TraceParent | undefined {
  if (header === undefined) return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined))
    return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, isSampled: (parseInt(flags, 16) & 1) === 1 };
}

/** Formats a version-00 `traceparent`. */
export function formatTraceParent(parent: TraceParent): string {
  return `00-${parent.traceId}-${parent.spanId}-${parent.isSampled ? '01' : '00'}`;
}

/** Random, non-zero W3C ids in lower-case hex. */
export interface IdSource {
  /** A 16-byte trace id. */
  traceId(): string;
  /** An 8-byte span id. */
  spanId(): string;
}

const POOL_BYTES = 4096;

/**
 * Creates an id source that draws from a CSPRNG pool refilled 4 KiB at a time: one system call
 * per ~170 requests instead of two per request on the proxy's hot path.
 */
export function createIdSource(): IdSource {
  let pool = randomBytes(POOL_BYTES);
  let offset = 0;
  const nonZeroHex = (bytes: number): string => {
    for (;;) {
      if (offset + bytes > POOL_BYTES) {
        pool = randomBytes(POOL_BYTES);
        offset = 0;
      }
      const id = pool.toString('hex', offset, offset + bytes);
      offset += bytes;
      if (!/^0+$/.test(id)) return id;
    }
  };
  return { traceId: () => nonZeroHex(16), spanId: () => nonZeroHex(8) };
}
