import { Gauge, type Registry } from 'prom-client';

export interface CredentialSources {
  /** vault-client status: logins so far and when the current token dies. */
  vaultStatus(): {
    authenticated: boolean;
    expiresAt?: number;
    logins?: number;
  };
  /** libs/auth JWKS verifier stats. */
  jwksStats(): { jwksFetches: number };
  now?: () => number;
}

/**
 * Exposes the credential counts the benchmark and operators check ("one AppRole login per token
 * lifetime", "one JWKS fetch per key id") as gauges read at scrape time from their owners.
 * @example registerCredentialGauges(metrics.registry, { vaultStatus: () => vault.status(), jwksStats: () => verifier.stats() })
 */
export function registerCredentialGauges(
  registry: Registry,
  sources: CredentialSources,
): void {
  const now = sources.now ?? Date.now;
  new Gauge({
    name: 'vault_client_logins',
    help: 'Successful Vault logins of the wallet since start (one per token lifetime is the goal).',
    registers: [registry],
    collect() {
      this.set(sources.vaultStatus().logins ?? 0);
    },
  });
  new Gauge({
    name: 'vault_token_ttl_seconds',
    help: "Seconds until the wallet's own Vault token expires (0 when it holds none).",
    registers: [registry],
    collect() {
      const status = sources.vaultStatus();
      const ttlMs =
        status.authenticated && status.expiresAt !== undefined
          ? status.expiresAt - now()
          : 0;
      this.set(Math.max(0, Math.floor(ttlMs / 1000)));
    },
  });
  new Gauge({
    name: 'tenant_jwks_fetches',
    help: 'JWKS documents fetched to verify tenant JWTs since start.',
    registers: [registry],
    collect() {
      this.set(sources.jwksStats().jwksFetches);
    },
  });
}
