import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { createTestApp } from '../../test/support/test-app';

// deploy/k8s/components/monitoring/prometheus-rules.yaml may only alert on metrics the agent
// really exports: the rules labelled service=agent are checked against its /_system/metrics.

const RULES = path.resolve(
  __dirname,
  '../../../../deploy/k8s/components/monitoring/prometheus-rules.yaml',
);
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'rate',
  'increase',
  'time',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

function metricsOf(expr: string): string[] {
  const bare = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(
      /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g,
      ' ',
    )
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ');
  const names = [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((name) => !PROMQL_WORDS.has(name));
  return [
    ...new Set(names.map((name) => name.replace(/_(?:count|sum|bucket)$/, ''))),
  ];
}

describe('the agent alert rules', () => {
  it('read only metrics the agent exports at /_system/metrics', async () => {
    const doc = parse(fs.readFileSync(RULES, 'utf8')) as {
      spec: {
        groups: {
          rules: { alert: string; expr: string; labels: { service: string } }[];
        }[];
      };
    };
    const rules = doc.spec.groups
      .flatMap((g) => g.rules)
      .filter((r) => r.labels.service === 'agent');
    expect(rules.map((r) => r.alert)).toContain('AgentHigh5xxRate');
    const { app } = createTestApp();
    await request(app).get('/_system/health');
    const text = (await request(app).get('/_system/metrics')).text;
    const exported = new Set(
      [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]),
    );
    const missing = rules.flatMap((r) =>
      metricsOf(r.expr)
        .filter((m) => !exported.has(m))
        .map((m) => `${r.alert}: ${m}`),
    );
    expect(missing).toEqual([]);
  });
});
