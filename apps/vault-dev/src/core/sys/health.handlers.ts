/**
 * sys/health and sys/seal-status (Vault docs: /sys/health, /sys/seal-status): unauthenticated raw JSON, with the
 * status-code overrides Vault's health endpoint accepts.
 */
import { VaultError, type BackendResponse } from '../backend';
import { parseGoBool } from '../util/time-format';

export const VAULT_VERSION = '1.20.0+vault-dev';
export const BUILD_DATE = '2026-01-01T00:00:00Z';

export interface SealInfo {
  sealed: boolean;
  clusterName: string;
  clusterId: string;
  storageType: string;
}

function codeParam(
  query: Record<string, unknown>,
  name: string,
  fallback: number,
): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isInteger(n))
    throw new VaultError(400, []);
  return n;
}

export function health(
  query: Record<string, unknown>,
  seal: SealInfo,
  nowMs: number,
): BackendResponse {
  for (const flag of ['standbyok', 'perfstandbyok']) {
    const v = query[flag];
    if (
      v !== undefined &&
      (typeof v !== 'string' || (v !== '' && parseGoBool(v) === undefined))
    )
      throw new VaultError(400, []);
  }
  const active = codeParam(query, 'activecode', 200);
  const sealedCode = codeParam(query, 'sealedcode', 503);
  codeParam(query, 'standbycode', 429);
  codeParam(query, 'uninitcode', 501);
  codeParam(query, 'drsecondarycode', 472);
  codeParam(query, 'performancestandbycode', 473);
  const body: Record<string, unknown> = {
    initialized: true,
    sealed: seal.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(nowMs / 1000),
    version: VAULT_VERSION,
  };
  if (!seal.sealed)
    Object.assign(body, {
      cluster_name: seal.clusterName,
      cluster_id: seal.clusterId,
    });
  return { kind: 'raw', status: seal.sealed ? sealedCode : active, body };
}

export function sealStatus(seal: SealInfo): BackendResponse {
  const body: Record<string, unknown> = {
    type: 'shamir',
    initialized: true,
    sealed: seal.sealed,
    t: 1,
    n: 1,
    progress: 0,
    nonce: '',
    version: VAULT_VERSION,
    build_date: BUILD_DATE,
    migration: false,
    recovery_seal: false,
    storage_type: seal.storageType,
  };
  if (!seal.sealed)
    Object.assign(body, {
      cluster_name: seal.clusterName,
      cluster_id: seal.clusterId,
    });
  return { kind: 'raw', status: 200, body };
}
