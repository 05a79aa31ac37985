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
      if (!health.initialized)
        return { ok: false, detail: 'Vault is not initialised' };
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
    if (!status.authenticated)
      return {
        ok: false,
        detail: `no Vault token${status.lastError ? `: ${status.lastError}` : ''}`,
      };
    if (status.expiresAt !== undefined && status.expiresAt <= now())
      return { ok: false, detail: 'the Vault token has expired' };
    return { ok: true };
  }

  return {
    checkSelf() {
      // Proven credentials are what only this pod can lack: a Vault outage hits every pod alike,
      // and a ready pod answers it with 503 + Retry-After. No call to Vault here.
      const status = deps.vault.status();
      if (status.authenticated || (status.logins ?? 0) > 0)
        return { status: 'ready', checks: { credentials: { ok: true } } };
      return {
        status: 'not_ready',
        checks: {
          credentials: {
            ok: false,
            detail: `no successful Vault login yet${status.lastError ? `: ${status.lastError}` : ''}`,
          },
        },
      };
    },
    async check() {
      const vault = await reachable();
      const vaultToken = vault.ok
        ? await token()
        : { ok: false, detail: 'not checked: Vault is unreachable' };
      return {
        status: vault.ok && vaultToken.ok ? 'ready' : 'not_ready',
        checks: { vault, vaultToken },
      };
    },
  };
}

/**
 * Logs in until the first success, then stops: the probe no longer logs in (ADR 0012), so a
 * wallet started before Vault or before its AppRole Secret is filled needs this to become ready.
 * Later logins happen on use (vault-client renews and re-logs in by itself).
 * @example const stop = keepLoggingInUntilFirstSuccess({ vault, onError: (err) => logger.warn({ err }, '...') })
 */
export function keepLoggingInUntilFirstSuccess(deps: {
  vault: Pick<VaultClient, 'login' | 'status'>;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}): () => void {
  const intervalMs = deps.intervalMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    if (stopped || deps.vault.status().authenticated) return;
    try {
      await deps.vault.login();
    } catch (err) {
      deps.onError?.(err);
      if (!stopped) {
        timer = setTimeout(() => void attempt(), intervalMs);
        timer.unref();
      }
    }
  };
  void attempt();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
