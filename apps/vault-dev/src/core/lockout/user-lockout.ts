/**
 * User lockout (Vault 1.13+, vault/request_handling.go: isUserLocked, failedUserLoginProcess,
 * getUserLockoutConfiguration): after `threshold` failed logins with bad credentials for one
 * alias on one userpass or approle mount, further logins for that alias are refused with 403
 * "permission denied" — even with the right credentials — until `duration` has passed since
 * the last failure. A failure after `counter_reset` since the previous one starts the count
 * again at 1; a successful login clears it. Defaults (configutil): 5 failures, 15 minutes,
 * 15 minutes; per mount through `user_lockout_config` in sys/auth/:path/tune.
 *
 * vault-dev keeps the counters in memory (Vault keeps them in memory and the locked users in
 * storage); a restart of vault-dev forgets them.
 */
import type { MountEntry, UserLockoutTune } from '../state/vault-state';

/** Auth types Vault applies lockout to (configutil.GetSupportedUserLockoutsAuthMethods). */
export const LOCKOUT_AUTH_TYPES = new Set(['userpass', 'approle', 'ldap']);

export const LOCKOUT_DEFAULTS: UserLockoutTune = {
  threshold: 5,
  durationSeconds: 900,
  counterResetSeconds: 900,
  disable: false,
};

/** The mount's tuned values over the defaults (a 0 / absent tuned value keeps the default). */
export function effectiveLockout(mount: MountEntry): UserLockoutTune {
  const tuned = mount.config.userLockout;
  return {
    threshold: tuned?.threshold || LOCKOUT_DEFAULTS.threshold,
    durationSeconds: tuned?.durationSeconds || LOCKOUT_DEFAULTS.durationSeconds,
    counterResetSeconds:
      tuned?.counterResetSeconds || LOCKOUT_DEFAULTS.counterResetSeconds,
    disable: tuned?.disable ?? false,
  };
}

export interface UserLockout {
  /** True when lockout applies to this mount at all. */
  applies(mount: MountEntry): boolean;
  isLocked(mount: MountEntry, alias: string): boolean;
  recordFailure(mount: MountEntry, alias: string): void;
  clear(mount: MountEntry, alias: string): void;
  /** The locked aliases by mount accessor (sys/locked-users), sorted. */
  locked(
    mountByAccessor: (accessor: string) => MountEntry | undefined,
  ): Record<string, string[]>;
  /** sys/locked-users/:accessor/unlock/:alias; true when something was unlocked. */
  unlock(accessor: string, alias: string): boolean;
}

export function createUserLockout(now: () => number): UserLockout {
  const failures = new Map<string, { count: number; lastFailedS: number }>();
  const key = (accessor: string, alias: string): string =>
    `${accessor}\u0000${alias}`;
  const nowS = (): number => Math.floor(now() / 1000);
  const lockout: UserLockout = {
    applies: (mount) =>
      mount.isAuth &&
      LOCKOUT_AUTH_TYPES.has(mount.type) &&
      !effectiveLockout(mount).disable,
    isLocked(mount, alias) {
      const info = failures.get(key(mount.accessor, alias));
      if (!info) return false;
      const config = effectiveLockout(mount);
      return (
        info.count >= config.threshold &&
        nowS() - info.lastFailedS < config.durationSeconds
      );
    },
    recordFailure(mount, alias) {
      const k = key(mount.accessor, alias);
      const info = failures.get(k);
      const t = nowS();
      const reset =
        info === undefined ||
        t > info.lastFailedS + effectiveLockout(mount).counterResetSeconds;
      failures.set(k, { count: reset ? 1 : info.count + 1, lastFailedS: t });
      if (failures.size > 100_000)
        failures.delete(failures.keys().next().value as string);
    },
    locked(mountByAccessor) {
      const out: Record<string, string[]> = {};
      for (const k of failures.keys()) {
        const [accessor, alias] = k.split('\u0000');
        const mount = mountByAccessor(accessor);
        if (!mount || !lockout.isLocked(mount, alias)) continue;
        (out[accessor] ??= []).push(alias);
      }
      for (const list of Object.values(out)) list.sort();
      return out;
    },
    clear(mount, alias) {
      failures.delete(key(mount.accessor, alias));
    },
    unlock(accessor, alias) {
      return failures.delete(key(accessor, alias));
    },
  };
  return lockout;
}
