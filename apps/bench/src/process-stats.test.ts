import { parseProcStatus, readProcessMemory } from './process-stats';

describe('process memory', () => {
  it('reads VmRSS and VmHWM in MB from /proc/<pid>/status text', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000000 kB\nVmHWM:\t   102400 kB\nVmRSS:\t    81920 kB\n';
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
