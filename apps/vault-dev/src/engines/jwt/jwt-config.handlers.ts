/** auth/jwt/config (Vault docs: JWT/OIDC auth API): exactly one key source, checked when written. */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type {
  BackendRequest,
  BackendResponse,
  CoreServices,
} from '../../core/backend';
import {
  badField,
  parseString,
  parseStringList,
} from '../approle/field-parsers';
import { notFound } from '../approle/route-table';
import {
  caCertificates,
  createKeySetCache,
  discoverJwksUri,
  fetchJson,
  parseJwks,
  type KeySetCache,
} from './jwks-fetcher';
import { isJwsAlgorithm } from './jws';
import type { JwtConfig, JwtState } from './jwt.state';

const SOURCES_ERROR =
  "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set";

/** Where login finds verification keys: static PEM keys or a cached remote JWKS. */
export interface KeySource {
  keysFor(kid: string): Promise<KeyObject[]>;
  fetchCount(): number;
  seed?(doc: unknown): void;
}

export function createConfigHandlers(core: CoreServices, state: JwtState) {
  let source: KeySource | undefined;

  /** The key source of the current config, built once per config write. */
  function keySource(config: JwtConfig): KeySource {
    if (source) return source;
    if (config.jwtValidationPubkeys.length > 0) {
      const keys = config.jwtValidationPubkeys.map((pem) =>
        createPublicKey(pem),
      );
      source = { keysFor: () => Promise.resolve(keys), fetchCount: () => 0 };
    } else if (config.jwksUrl !== '') {
      source = cacheFor(
        () => Promise.resolve(config.jwksUrl),
        config.jwksCaPem,
      );
    } else {
      let jwksUri: string | undefined;
      source = cacheFor(async () => {
        jwksUri ??= (
          await discoverJwksUri(
            config.oidcDiscoveryUrl,
            config.oidcDiscoveryCaPem || undefined,
          )
        ).jwksUri;
        return jwksUri;
      }, config.oidcDiscoveryCaPem);
    }
    return source;
  }

  function cacheFor(url: () => Promise<string>, caPem: string): KeySetCache {
    return createKeySetCache({
      source: url,
      caPem: caPem || undefined,
      now: () => core.now(),
    });
  }

  async function writeConfig(req: BackendRequest): Promise<BackendResponse> {
    const d = req.data;
    const str = (k: string) =>
      d[k] === undefined || d[k] === null ? '' : parseString(d[k], k);
    const config: JwtConfig = {
      jwtValidationPubkeys: parseStringList(
        d['jwt_validation_pubkeys'],
        'jwt_validation_pubkeys',
      ),
      jwksUrl: str('jwks_url'),
      jwksCaPem: str('jwks_ca_pem'),
      oidcDiscoveryUrl: str('oidc_discovery_url'),
      oidcDiscoveryCaPem: str('oidc_discovery_ca_pem'),
      boundIssuer: str('bound_issuer'),
      jwtSupportedAlgs: parseStringList(
        d['jwt_supported_algs'],
        'jwt_supported_algs',
      ),
      defaultRole: str('default_role').toLowerCase(),
    };
    const jwksPairs = Array.isArray(d['jwks_pairs'])
      ? d['jwks_pairs'].length
      : 0;
    const providerConfig =
      typeof d['provider_config'] === 'object' && d['provider_config'] !== null
        ? Object.keys(d['provider_config']).length
        : 0;
    const sources = [
      config.jwtValidationPubkeys.length > 0,
      config.jwksUrl !== '',
      config.oidcDiscoveryUrl !== '',
      jwksPairs > 0,
      providerConfig > 0,
    ];
    if (sources.filter(Boolean).length !== 1) badField(SOURCES_ERROR);
    // Only the three key sources a JWT-only dev server can use are implemented.
    if (jwksPairs > 0 || providerConfig > 0)
      badField('jwks_pairs and provider_config are not supported by vault-dev');
    for (const pem of config.jwtValidationPubkeys) {
      try {
        createPublicKey(pem);
      } catch (e) {
        badField(`error parsing public key: ${(e as Error).message}`);
      }
    }
    for (const alg of config.jwtSupportedAlgs)
      if (!isJwsAlgorithm(alg)) badField(`invalid jwt_supported_algs: ${alg}`);
    if (config.oidcDiscoveryUrl.includes('.well-known'))
      badField("'oidc_discovery_url' must not contain '.well-known'");
    // The source is checked as Vault does (vault-plugin-auth-jwt path_config.go,
    // pathConfigWrite / validateJWKSURL): the cause goes to Vault's log, not the reply.
    let fetched: unknown;
    if (config.jwksUrl !== '') {
      if (
        config.jwksCaPem !== '' &&
        caCertificates(config.jwksCaPem).length === 0
      )
        badField('error checking jwks_ca_pem');
      fetched = await check(
        `error checking jwks URL ${config.jwksUrl}`,
        async () => {
          const doc = await fetchJson(
            config.jwksUrl,
            config.jwksCaPem || undefined,
          );
          parseJwks(doc);
          return doc;
        },
      );
    }
    if (config.oidcDiscoveryUrl !== '') {
      // NewOIDCDiscoveryKeySet parses the CA first (whatever the scheme), then reads the
      // discovery document only; the keys come at login.
      if (
        config.oidcDiscoveryCaPem !== '' &&
        caCertificates(config.oidcDiscoveryCaPem).length === 0
      )
        badField('error checking oidc discovery URL');
      await check('error checking oidc discovery URL', () =>
        discoverJwksUri(
          config.oidcDiscoveryUrl,
          config.oidcDiscoveryCaPem || undefined,
        ),
      );
    }
    state.config = config;
    source = undefined;
    // The keys fetched by the check serve the first logins: no second fetch for the same kid.
    if (fetched !== undefined) keySource(config).seed?.(fetched);
    await core.persist();
    return { kind: 'empty' };
  }

  function readConfig(): BackendResponse {
    const c = state.config ?? notFound();
    return {
      kind: 'data',
      data: {
        bound_issuer: c.boundIssuer,
        default_role: c.defaultRole,
        jwks_ca_pem: c.jwksCaPem,
        jwks_url: c.jwksUrl,
        jwks_pairs: [],
        jwt_supported_algs: c.jwtSupportedAlgs,
        jwt_validation_pubkeys: c.jwtValidationPubkeys,
        namespace_in_state: true,
        oidc_client_id: '',
        oidc_discovery_ca_pem: c.oidcDiscoveryCaPem,
        oidc_discovery_url: c.oidcDiscoveryUrl,
        oidc_response_mode: '',
        oidc_response_types: [],
        provider_config: {},
      },
    };
  }

  return {
    writeConfig,
    readConfig,
    keySource,
    fetchCount: () => source?.fetchCount() ?? 0,
  };
}

async function check<T>(message: string, fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch {
    badField(message);
  }
}
