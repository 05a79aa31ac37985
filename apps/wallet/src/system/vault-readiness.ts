import type { ReadinessCheck } from '@secret-flows/contracts';
import type { VaultClient } from '@secret-flows/vault-client';
import type { ReadinessProbe } from './system.routes';

/**
 * Readiness from Vault's point of view: `vault` = reachable, initialised and unsealed;
 * `vaultToken` = the wallet holds a live token (logging in if it has none yet, so a wallet
 * started before Vault becomes ready by itself once Vault is up).
 * @example createVaultReadiness({ vault })
 */
export function createVaultReadiness(deps: {
  vault: Pick<VaultClient, 'sys' | 'status' | 'login'>;
  now?: () => number;
}): ReadinessProbe {
  const now = deps.now ?? Date.now;

  async function reachable(): Promise<ReadinessCheck> {
    try {
      const health = await deps.vault.sys.health({ standbyok: true });
      if (!health.initialized) return { ok: false, detail: 'Vault is not initialised' };
      if (health.sealed) return { ok: false, detail: 'Vault is sealed' };
      return { ok: true };
    } catch {
      return { ok: false, detail: 'Vault is unreachable' };
    }
  }

  async function token(): Promise<ReadinessCheck> {
    if (!deps.vault.status().authenticated) {
      try {
        await deps.vault.login();
      } catch {
        // The reason (from vault-client, free of credentials) is in status().lastError below.
      }
    }
    const status = deps.vault.status();
    if (!status.authenticated) return { ok: false, detail: `no Vault token${status.lastError ? `: ${status.lastError}` : ''}` };
    if (status.expiresAt !== undefined && status.expiresAt <= now()) return { ok: false, detail: 'the Vault token has expired' };
    return { ok: true };
  }

  return {
    async check() {
      const vault = await reachable();
      const vaultToken = vault.ok ? await token() : { ok: false, detail: 'not checked: Vault is unreachable' };
      return { status: vault.ok && vaultToken.ok ? 'ready' : 'not_ready', checks: { vault, vaultToken } };
    },
  };
}
