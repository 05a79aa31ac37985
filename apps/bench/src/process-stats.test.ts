import {
  parseProcStatCpuMs,
  parseProcStatus,
  readProcessCpuMs,
  readProcessMemory,
} from './process-stats';

describe('process memory', () => {
  it('reads VmRSS and VmHWM in MB from /proc/<pid>/status text', () => {
    const status =
      'Name:\tnode\nVmPeak:\t 1000000 kB\nVmHWM:\t   102400 kB\nVmRSS:\t    81920 kB\n';
    expect(parseProcStatus(status)).toEqual({ rssMb: 80, peakRssMb: 100 });
  });

  it('says undefined when the fields are missing', () => {
    expect(parseProcStatus('Name:\tnode\n')).toBeUndefined();
  });

  it('reads this very process on Linux, peak at least the current size', () => {
    const mem = readProcessMemory(process.pid);
    if (process.platform !== 'linux') return expect(mem).toBeUndefined();
    expect(mem?.rssMb).toBeGreaterThan(10);
    expect(mem?.peakRssMb).toBeGreaterThanOrEqual(mem?.rssMb ?? Infinity);
  });
});

describe('process CPU time', () => {
  it('adds utime and stime (clock ticks) from /proc/<pid>/stat, even with spaces in the name', () => {
    const stat =
      '1234 (node main) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 100 1000 100';
    expect(parseProcStatCpuMs(stat)).toBe(3000);
  });

  it('grows while this process computes', () => {
    const before = readProcessCpuMs(process.pid);
    if (process.platform !== 'linux') return expect(before).toBeUndefined();
    const end = Date.now() + 60;
    while (Date.now() < end) Math.sqrt(Math.random());
    expect(readProcessCpuMs(process.pid)).toBeGreaterThan(before as number);
  });
});
