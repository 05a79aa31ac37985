import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Json, Manifest } from './manifests';
import {
  K8S_DIR,
  findObject,
  kustomizeBuild,
  podTemplateOf,
} from './manifests';
import { selectorMatches } from './policy';
import { OVERLAYS, container, itWithKubectl, render } from './rendered';

// The optional monitoring component (PodMonitor + PrometheusRule for a Prometheus Operator),
// rendered as an operator would use it: the production overlay plus the component. Its CRD
// kinds are not built in, so no shipped overlay includes it. That the rules read metrics the
// services really export is checked by the agent and wallet tests (alert-rules.test.ts) against
// their /_system/metrics output.

function renderWithMonitoring(): Manifest[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-'));
  const rel = (target: string) =>
    path.relative(dir, path.join(K8S_DIR, target));
  fs.writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'namespace: secret-flows',
      `resources: [${rel('overlays/production')}]`,
      `components: [${rel('components/monitoring')}]`,
      '',
    ].join('\n'),
  );
  try {
    return kustomizeBuild(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the monitoring component', () => {
  itWithKubectl(
    'scrapes /_system/metrics on the http port of every agent and wallet pod, and only those',
    () => {
      const objects = renderWithMonitoring();
      const monitor = findObject(objects, 'PodMonitor', 'secret-flows');
      const selected = objects
        .filter((o) => podTemplateOf(o) && o.kind === 'Deployment')
        .filter((o) =>
          selectorMatches(
            monitor.spec.selector,
            podTemplateOf(o)?.metadata.labels ?? {},
          ),
        )
        .map((o) => o.metadata.name as string)
        .sort();
      expect(selected).toEqual(['agent', 'wallet']);
      for (const endpoint of monitor.spec.podMetricsEndpoints as Json[]) {
        expect(endpoint.path).toBe('/_system/metrics');
        for (const name of selected)
          expect(
            (
              (container(objects, 'Deployment', name).ports ?? []) as Json[]
            ).map((p) => p.name),
          ).toContain(endpoint.port);
      }
      // The scraper's NetworkPolicy (metrics-scrape) is part of production.
      expect(
        findObject(objects, 'NetworkPolicy', 'allow-metrics-scrape'),
      ).toBeDefined();
      expect(monitor.metadata.namespace).toBe('secret-flows');
    },
  );

  itWithKubectl(
    'has rules for token TTL, logins, secret_id rotation, readiness, 5xx and JWKS, each naming its metric source',
    () => {
      const rules = (
        findObject(renderWithMonitoring(), 'PrometheusRule', 'secret-flows')
          .spec.groups as Json[]
      ).flatMap((group) => group.rules as Json[]);
      expect(rules.map((r) => r.alert).sort()).toEqual([
        'AgentHigh5xxRate',
        'SecretFlowsNoReadyReplica',
        'SecretFlowsPodNotReady',
        'SecretIdRotationStale',
        'TenantJwksFetchFailing',
        'WalletHigh5xxRate',
        'WalletVaultLoginFailing',
        'WalletVaultTokenExpiring',
      ]);
      for (const rule of rules) {
        expect(['agent', 'wallet', 'kube-state-metrics']).toContain(
          rule.labels.service,
        );
        expect(['warning', 'critical']).toContain(rule.labels.severity);
        // kube-state-metrics rules read only kube_* series and the PromQL time() function.
        if (rule.labels.service === 'kube-state-metrics')
          expect(
            [
              ...String(rule.expr)
                .replace(/\{[^}]*\}/g, '')
                .matchAll(/\b[a-z_]+_[a-z_]+\b/g),
            ]
              .map((m) => m[0])
              .filter((name) => !['group_left'].includes(name))
              .every((name) => name.startsWith('kube_')),
          ).toBe(true);
      }
      const rotation = rules.find(
        (r) => r.alert === 'SecretIdRotationStale',
      ) as Json;
      expect(rotation.expr).toContain('cronjob="wallet-secret-id-rotation"');
    },
  );

  itWithKubectl(
    'is in no shipped overlay (its kinds need the Prometheus Operator CRDs)',
    () => {
      for (const { dir } of OVERLAYS)
        expect(
          render(dir).filter((o) =>
            o.apiVersion.startsWith('monitoring.coreos.com/'),
          ),
        ).toEqual([]);
    },
  );
});
