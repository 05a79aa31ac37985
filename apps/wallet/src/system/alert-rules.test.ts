import * as fs from 'node:fs';
import * as path from 'node:path';
import { Registry } from 'prom-client';
import request from 'supertest';
import { parse } from 'yaml';
import { createHarness } from '../../test/http-harness';
import { registerCredentialGauges } from './credential-gauges';

// deploy/k8s/components/monitoring/prometheus-rules.yaml may only alert on metrics the wallet
// really exports: the rules labelled service=wallet are checked against the /_system/metrics
// output of the app (buildApp, through the test harness) plus the credential gauges compose.ts
// registers on the same registry.

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

/** Metric names an expression reads (histogram suffixes folded onto the family name). */
export function metricsOf(expr: string): string[] {
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

type Rule = { alert: string; expr: string; labels: { service: string } };
function rulesFor(service: string): Rule[] {
  const doc = parse(fs.readFileSync(RULES, 'utf8')) as {
    spec: { groups: { rules: Rule[] }[] };
  };
  return doc.spec.groups
    .flatMap((g) => g.rules)
    .filter((r) => r.labels.service === service);
}

async function exportedFamilies(): Promise<Set<string>> {
  const h = createHarness();
  await h.as().put('/v1/secrets/a').send({ value: 'v' });
  const text = (await request(h.app).get('/_system/metrics')).text;
  const gauges = new Registry();
  registerCredentialGauges(gauges, {
    vaultStatus: () => ({
      authenticated: true,
      expiresAt: Date.now() + 60_000,
    }),
    jwksStats: () => ({ jwksFetches: 0 }),
  });
  const all = `${text}\n${await gauges.metrics()}`;
  return new Set([...all.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
}

describe('the wallet alert rules', () => {
  it('read only metrics the wallet exports at /_system/metrics', async () => {
    const rules = rulesFor('wallet');
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'WalletVaultTokenExpiring',
        'WalletVaultLoginFailing',
        'WalletHigh5xxRate',
      ]),
    );
    const exported = await exportedFamilies();
    const missing = rules.flatMap((r) =>
      metricsOf(r.expr)
        .filter((m) => !exported.has(m))
        .map((m) => `${r.alert}: ${m}`),
    );
    expect(missing).toEqual([]);
  });

  it('finds the metric names in an expression', () => {
    expect(
      metricsOf(
        'sum by (pod) (rate(http_request_duration_seconds_count{status=~"5.."}[5m])) / max(vault_token_ttl_seconds) > 0.05',
      ),
    ).toEqual(['http_request_duration_seconds', 'vault_token_ttl_seconds']);
  });
});
