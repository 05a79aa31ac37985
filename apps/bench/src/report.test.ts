import {
  GENERATED_END,
  GENERATED_START,
  renderMarkdown,
  updateDocument,
} from './report';
import type { BenchReport } from './results';

const report: BenchReport = {
  startedAt: '2026-11-29T15:00:00.000Z',
  command: 'npm run bench -- --duration 10',
  durationSeconds: 10,
  connections: 32,
  machine: {
    cpuModel: 'Test CPU',
    cpus: 2,
    totalMemoryGb: 4,
    node: 'v20.0.0',
    platform: 'Linux',
    loadAverage: [1, 2, 3],
  },
  scenarios: [
    {
      id: 'e',
      label: 'ideal | chain',
      measurement: {
        requestsPerSecond: 1000,
        p50Ms: 20,
        p99Ms: 40,
        requests: 10000,
        non2xx: 0,
        errors: 0,
      },
      cpuMsPerRequest: { proxy1: 0.1, vault: 0.2 },
      memory: { proxy1: { rssMb: 50, peakRssMb: 55 } },
      counts: {},
    },
    {
      id: 'c',
      label: 'chain',
      measurement: {
        requestsPerSecond: 400,
        p50Ms: 60,
        p99Ms: 120,
        requests: 4000,
        non2xx: 0,
        errors: 0,
      },
      cpuMsPerRequest: { agent: 0.4, vault: 0.2 },
      memory: {},
      counts: { vault: { vaultLogins: 1, jwtExchanges: 0 } },
    },
  ],
};

describe('the Markdown report', () => {
  it('has the machine, the command, one escaped row per scenario, the ratios and the verdicts', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('2 × Test CPU, 4 GB RAM, Node v20.0.0');
    expect(md).toContain('`npm run bench -- --duration 10`');
    expect(md).toContain(
      '| e | ideal \\| chain | 1000 | 20 | 40 | 0/0 | 0.30 (proxy1 0.10, vault 0.20) | proxy1 50 (55) |',
    );
    expect(md).toContain('(c)/(e) = 0.50, (d)/(e) = n/a');
    expect(md).toContain('**(c)/(e) = 0.40**');
    expect(md).toMatch(/\| \(c\)\/\(e\) throughput >= 0.5 \| 0.4 \| MISSED \|/);
    expect(md).toMatch(/\| p99 \(c\) <= 2x p99 \(e\) \| 3x \| MISSED \|/);
  });

  it('replaces only the generated block and keeps the analysis around it', () => {
    const doc = `# Benchmarks\n\nintro\n\n${GENERATED_START}\nold numbers\n${GENERATED_END}\n\n## Analysis\nkept\n`;
    const updated = updateDocument(doc, 'new numbers');
    expect(updated).toBe(
      `# Benchmarks\n\nintro\n\n${GENERATED_START}\nnew numbers\n${GENERATED_END}\n\n## Analysis\nkept\n`,
    );
  });

  it('starts a new document when there is none', () => {
    expect(updateDocument(undefined, 'numbers')).toMatch(
      new RegExp(
        `^# Benchmarks[\\s\\S]*${GENERATED_START}\\nnumbers\\n${GENERATED_END}\\n$`,
      ),
    );
  });
});
