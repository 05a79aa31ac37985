import type { Measurement } from './load';
import type { ProcessMemory } from './process-stats';

export type ScenarioId =
  | 'a'
  | 'a-client'
  | 'bare'
  | 'b'
  | 'c'
  | 'd'
  | 'e'
  | 'sign-transit'
  | 'sign-wallet';

/** Credential work a service did since it started, from its /_system/metrics. */
export interface CredentialCounts {
  vaultLogins?: number;
  jwtExchanges?: number;
  jwksFetches?: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  label: string;
  measurement?: Measurement;
  /** Why the scenario was not measured (its platform did not start, ...). */
  skipped?: string;
  /** CPU time (user + system) each process on the path used per request during the measured run, ms. */
  cpuMsPerRequest: Record<string, number>;
  /** Each process on the path, at the end of the scenario. */
  memory: Record<string, ProcessMemory | undefined>;
  counts: Record<string, CredentialCounts>;
}

export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  totalMemoryGb: number;
  node: string;
  platform: string;
  /** 1/5/15-minute load averages at the start and at the end of the run. */
  loadAverage: number[];
  loadAverageEnd?: number[];
}

export interface BenchReport {
  startedAt: string;
  command: string;
  durationSeconds: number;
  connections: number;
  machine: MachineInfo;
  scenarios: ScenarioResult[];
}
