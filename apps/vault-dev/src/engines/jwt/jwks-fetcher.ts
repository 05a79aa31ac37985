/**
 * Fetches JWKS and OIDC discovery documents over node:http(s) and caches keys by
 * kid. An unknown kid triggers one refetch (single-flight), so a rotated issuer key
 * is picked up without refetching on every login.
 *
 * Whom https trusts follows Vault (hashicorp/cap jwt/keyset.go, createCAContext): with a
 * `*_ca_pem`, exactly its certificates (a new x509.CertPool); without, the system CAs,
 * here Node's bundled Mozilla store (`tls.rootCertificates`) passed explicitly so that
 * NODE_EXTRA_CA_CERTS, which no Vault reads, cannot make a fetch pass that Vault's fails.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { importJwk } from './jws';

/** cap's createCAContext error when a CA PEM holds no certificate. */
export const CA_PEM_ERROR = 'could not parse CA PEM value successfully';

const PEM_BLOCK =
  /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/**
 * The certificates of a CA PEM, as Go's x509.CertPool.AppendCertsFromPEM takes them:
 * `CERTIFICATE` blocks without headers that parse; every other block is skipped.
 */
export function caCertificates(pem: string): string[] {
  const out: string[] = [];
  for (const [, type, body] of pem.matchAll(PEM_BLOCK)) {
    if (type !== 'CERTIFICATE' || body.includes(':')) continue;
    try {
      out.push(
        new X509Certificate(
          Buffer.from(body.replace(/\s+/g, ''), 'base64'),
        ).toString(),
      );
    } catch {
      // Not a certificate: skipped, as Go does.
    }
  }
  return out;
}

/** The `ca` option for a fetch: the given CA's certificates only, or the system CAs. */
export function trustFor(caPem: string | undefined): string[] {
  if (!caPem) return [...tls.rootCertificates];
  const certs = caCertificates(caPem);
  if (certs.length === 0) throw new Error(CA_PEM_ERROR);
  return certs;
}

const TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 1024 * 1024;

/** GETs a JSON document; rejects with a short reason on network, status or parse errors. */
export function fetchJson(url: string, caPem?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new Error(`invalid URL "${url}"`));
      return;
    }
    const client =
      parsed.protocol === 'https:'
        ? https
        : parsed.protocol === 'http:'
          ? http
          : undefined;
    if (!client) {
      reject(new Error(`unsupported URL scheme "${parsed.protocol}"`));
      return;
    }
    let ca: string[] | undefined;
    if (client === https) {
      try {
        ca = trustFor(caPem);
      } catch (e) {
        reject(e as Error);
        return;
      }
    }
    const req = client.get(
      parsed,
      {
        timeout: TIMEOUT_MS,
        headers: { accept: 'application/json' },
        ...(ca ? { ca, agent: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES)
            req.destroy(new Error('response too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(
              new Error(
                `unexpected status ${res.statusCode ?? 0} from ${parsed.origin}${parsed.pathname}`,
              ),
            );
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error('response is not valid JSON'));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

/** Parses a JWKS document into usable public keys (kid may be empty). */
export function parseJwks(
  doc: unknown,
): { kid: string; alg?: string; key: KeyObject }[] {
  const keys = (doc as { keys?: unknown })?.keys;
  if (!Array.isArray(keys))
    throw new Error('JWKS document has no "keys" array');
  const out: { kid: string; alg?: string; key: KeyObject }[] = [];
  for (const jwk of keys as JsonWebKey[]) {
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const key = importJwk(jwk);
    if (key)
      out.push({
        kid: typeof jwk.kid === 'string' ? jwk.kid : '',
        alg: typeof jwk.alg === 'string' ? jwk.alg : undefined,
        key,
      });
  }
  return out;
}

/**
 * Resolves the jwks_uri of an OIDC discovery URL. Like cap's NewOIDCDiscoveryKeySet, the
 * document's issuer must equal the URL exactly as configured.
 */
export async function discoverJwksUri(
  discoveryUrl: string,
  caPem?: string,
): Promise<{ issuer: string; jwksUri: string }> {
  const doc = (await fetchJson(
    `${discoveryUrl.replace(/\/$/, '')}/.well-known/openid-configuration`,
    caPem,
  )) as Record<string, unknown>;
  if (doc?.['issuer'] !== discoveryUrl)
    throw new Error(
      `issuer did not match the returned issuer, expected "${discoveryUrl}" got "${String(doc?.['issuer'])}"`,
    );
  if (typeof doc?.['jwks_uri'] !== 'string')
    throw new Error('discovery document has no jwks_uri');
  return {
    issuer: typeof doc['issuer'] === 'string' ? doc['issuer'] : '',
    jwksUri: doc['jwks_uri'],
  };
}

export interface KeySetCache {
  /** Keys that may verify a token with this kid ('' = no kid: every key). */
  keysFor(kid: string): Promise<KeyObject[]>;
  /** Number of HTTP fetches made so far (for tests and benchmarks). */
  fetchCount(): number;
  /** Primes the cache with a document fetched elsewhere (the config-time check). */
  seed(doc: unknown): void;
}

/**
 * After a refetch that still did not find the kid, further unknown-kid refetches wait
 * this long, so forged kids cannot hammer the issuer. A refetch that finds its kid (a
 * real rotation, or a key created after the config was written) blocks nothing.
 */
const MISS_BACKOFF_MS = 5_000;

/** A cached remote key set; `source` returns the JWKS URL (discovery is resolved once). */
export function createKeySetCache(options: {
  source: () => Promise<string>;
  caPem?: string;
  now: () => number;
}): KeySetCache {
  const { source, caPem, now } = options;
  let keys: { kid: string; key: KeyObject }[] | undefined;
  let inFlight: Promise<void> | undefined;
  let fetches = 0;
  let lastMissMs = -Infinity;
  const refresh = () => {
    inFlight ??= (async () => {
      try {
        fetches += 1;
        keys = parseJwks(await fetchJson(await source(), caPem));
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
  const matching = (kid: string) =>
    (keys ?? []).filter((k) => kid === '' || k.kid === kid).map((k) => k.key);
  return {
    async keysFor(kid) {
      if (!keys) await refresh();
      let found = matching(kid);
      if (
        found.length === 0 &&
        kid !== '' &&
        now() - lastMissMs >= MISS_BACKOFF_MS
      ) {
        await refresh();
        found = matching(kid);
        if (found.length === 0) lastMissMs = now();
      }
      return found;
    },
    fetchCount: () => fetches,
    seed(doc) {
      keys = parseJwks(doc);
    },
  };
}
