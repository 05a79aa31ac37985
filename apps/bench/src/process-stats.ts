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
export function readProcessMemory(
  pid: number | undefined,
): ProcessMemory | undefined {
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

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream architecture.
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) from /proc/<pid>/stat text, in ms; the name field may contain spaces. */
export function parseProcStatCpuMs(stat: string): number | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so utime (field 14) and stime (field 15) are rest[11] and rest[12].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU time a process has used so far, in ms (Linux); undefined elsewhere. */
export function readProcessCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    return parseProcStatCpuMs(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
