import * as fs from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now (VmRSS), MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** Parses /proc/<pid>/status; undefined when a field is missing. */
export function parseProcStatus(status: string): ProcessMemory | undefined {
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (rss === undefined || hwm === undefined) return undefined;
  return { rssMb: round1(rss / 1024), peakRssMb: round1(hwm / 1024) };
}

/** Memory of a running process from Linux /proc (the kernel tracks the peak, so no sampling is lost); undefined elsewhere. */
export function readProcessMemory(pid: number | undefined): ProcessMemory | undefined {
  if (!pid) return undefined;
  try {
    return parseProcStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
