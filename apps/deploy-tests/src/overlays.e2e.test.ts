import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Json } from './manifests';
import {
  K8S_DIR,
  REPO_ROOT,
  podTemplateOf,
  containersOf,
  findObject,
  podSpecOf,
  rawResources,
  workloadId,
} from './manifests';
import { knownEnvKeys, serviceOfImage } from './env-contract';
import { hostAccessViolations, unknownFieldViolations } from './fields';
import {
  APPROLE_SECRET,
  OWN_READINESS_PATH,
  containerViolations,
  isOwnImage,
  memoryMiB,
  nodeHeapViolations,
  probeTimingViolations,
  ingressRulesFor,
  secretReaderRules,
  secretVolumeViolations,
  tokenAutomountViolations,
  workloadsReadingSecret,
  workloadsWithEgressToPort,
} from './policy';
import {
  OVERLAYS,
  container,
  envLiteral,
  envNames,
  itWithKubectl,
  render,
} from './rendered';
import { isBuiltIn, validateBuiltIn } from './schemas';

function labelsMatch(
  labels: Record<string, string> | undefined,
  wanted: Record<string, string>,
): boolean {
  return Object.entries(wanted).every(
    ([key, value]) => labels?.[key] === value,
  );
}

// Read by the Node.js runtime itself, not by a service's config schema.
const NODE_RUNTIME_ENV = new Set(['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS']);

describe('the base files, validated without kubectl', () => {
  it('every built-in object in base/ and the components validates against the Kubernetes schema', () => {
    const raw = ['base', 'components/approle-issuer'].flatMap((dir) =>
      rawResources(path.join(K8S_DIR, dir)),
    );
    expect(raw.length).toBeGreaterThan(15);
    expect(raw.filter(isBuiltIn).flatMap(validateBuiltIn)).toEqual([]);
  });

  it('every container in the base files meets the security, resource, probe and pinning rules', () => {
    // Images get their tags from the kustomization's images: list, so only the tag rule is left out.
    const raw = rawResources(path.join(K8S_DIR, 'base'));
    const violations = containerViolations(raw).filter(
      (line) => !line.includes('is not pinned'),
    );
    expect(violations).toEqual([]);
  });
});

describe.each(OVERLAYS)(
  'the $dir overlay',
  ({ dir, vaultClients, minReplicas }) => {
    itWithKubectl('builds with kubectl kustomize', () => {
      expect(render(dir).length).toBeGreaterThan(20);
    });

    itWithKubectl(
      'has only objects that validate against the Kubernetes schema',
      () => {
        const objects = render(dir);
        expect(objects.every(isBuiltIn)).toBe(true);
        expect(objects.flatMap(validateBuiltIn)).toEqual([]);
      },
    );

    itWithKubectl(
      'lets only the wallet Deployment reference the AppRole Secret',
      () => {
        expect(workloadsReadingSecret(render(dir), APPROLE_SECRET)).toEqual([
          'Deployment/wallet',
        ]);
      },
    );

    itWithKubectl(
      "gives the agent no Vault variable and the gateway only Vault's host, port and scheme",
      () => {
        const objects = render(dir);
        expect(
          envNames(container(objects, 'Deployment', 'agent')).filter((name) =>
            name.startsWith('VAULT_'),
          ),
        ).toEqual([]);
        const gatewayVault = envNames(
          container(objects, 'Deployment', 'gateway', 'apisix'),
        ).filter((name) => name.startsWith('VAULT_'));
        expect(gatewayVault.sort()).toEqual([
          'VAULT_UPSTREAM_HOST',
          'VAULT_UPSTREAM_PORT',
          'VAULT_UPSTREAM_SCHEME',
        ]);
      },
    );

    itWithKubectl(
      'allows egress to Vault port 8200 only to the workloads that need Vault',
      () => {
        expect(workloadsWithEgressToPort(render(dir), 8200).sort()).toEqual(
          [...vaultClients].sort(),
        );
      },
    );

    itWithKubectl(
      'admits the wallet only from the agent and the agent only from the gateway (and the metrics scraper)',
      () => {
        const objects = render(dir);
        const only = (app: string, port: number) => ({
          from: [
            { podSelector: { matchLabels: { 'app.kubernetes.io/name': app } } },
          ],
          ports: [{ protocol: 'TCP', port }],
        });
        // Production adds the in-cluster Prometheus (components/metrics-scrape); dev has none.
        const scrape = objects
          .filter(
            (o) =>
              o.kind === 'NetworkPolicy' &&
              o.metadata.name === 'allow-metrics-scrape',
          )
          .flatMap((o) => o.spec.ingress as Json[]);
        expect(scrape.length).toBe(dir === 'overlays/production' ? 1 : 0);
        for (const [name, peer, port] of [
          ['wallet', 'agent', 8086],
          ['agent', 'gateway', 8085],
        ] as const) {
          const rules = ingressRulesFor(
            objects,
            findObject(objects, 'Deployment', name),
          );
          expect(rules).toHaveLength(1 + scrape.length);
          expect(rules).toEqual(
            expect.arrayContaining([only(peer, port), ...scrape]),
          );
        }
        for (const rule of scrape)
          expect(
            rule.from[0].namespaceSelector.matchLabels[
              'kubernetes.io/metadata.name'
            ],
          ).toBe('monitoring');
      },
    );

    itWithKubectl(
      'runs in a namespace where Pod Security Admission enforces the restricted profile',
      () => {
        const objects = render(dir);
        const namespaces = objects.filter((o) => o.kind === 'Namespace');
        expect(namespaces).toHaveLength(1);
        expect(
          namespaces[0].metadata.labels['pod-security.kubernetes.io/enforce'],
        ).toBe('restricted');
        const namespaced = objects.filter((o) => o.kind !== 'Namespace');
        expect(
          namespaced.every(
            (o) => o.metadata.namespace === namespaces[0].metadata.name,
          ),
        ).toBe(true);
      },
    );

    itWithKubectl(
      'labels every object and pod template with part-of, version and managed-by',
      () => {
        const { version } = JSON.parse(
          fs.readFileSync(
            path.join(REPO_ROOT, 'apps', 'agent', 'package.json'),
            'utf8',
          ),
        ) as { version: string };
        const wanted = {
          'app.kubernetes.io/part-of': 'secret-flows',
          'app.kubernetes.io/version': version,
          'app.kubernetes.io/managed-by': 'kustomize',
        };
        const missing = render(dir).flatMap((object) => {
          const where = `${object.kind}/${object.metadata.name}`;
          const template = podTemplateOf(object);
          return [
            ...(labelsMatch(object.metadata.labels, wanted) ? [] : [where]),
            ...(template && !labelsMatch(template.metadata?.labels, wanted)
              ? [`${where} pod template`]
              : []),
          ];
        });
        expect(missing).toEqual([]);
      },
    );

    itWithKubectl('denies all ingress and egress by default', () => {
      const policies = render(dir).filter(
        (object) => object.kind === 'NetworkPolicy',
      );
      const defaultDeny = policies.find(
        (policy) =>
          Object.keys(policy.spec.podSelector ?? {}).length === 0 &&
          ['Ingress', 'Egress'].every((type) =>
            (policy.spec.policyTypes as string[]).includes(type),
          ) &&
          !policy.spec.ingress &&
          !policy.spec.egress,
      );
      expect(defaultDeny?.metadata.name).toBe('default-deny');
    });

    itWithKubectl(
      'runs every container pinned, non-root, read-only, without capabilities, with resources and probes',
      () => {
        expect(containerViolations(render(dir))).toEqual([]);
      },
    );

    itWithKubectl(
      'probes with timeouts longer than what the probed endpoint waits for (our readiness waits for nothing)',
      () => {
        // A deep /_system/ready waits for the wallet or Vault (WALLET_TIMEOUT_MS / VAULT_TIMEOUT_MS);
        // the kubelet's scope=self readiness and APISIX's status API wait for nothing remote.
        const waitsForMs = (item: Json) =>
          isOwnImage(item.image as string) &&
          item.readinessProbe?.httpGet?.path !== OWN_READINESS_PATH
            ? Number(
                envLiteral(item, 'WALLET_TIMEOUT_MS') ??
                  envLiteral(item, 'VAULT_TIMEOUT_MS') ??
                  0,
              )
            : 0;
        expect(probeTimingViolations(render(dir), waitsForMs)).toEqual([]);
      },
    );

    itWithKubectl(
      'limits the V8 heap of every Node container to a share of its memory limit',
      () => {
        expect(nodeHeapViolations(render(dir))).toEqual([]);
        // Node accepts the options from the environment, and V8's whole heap limit (old space
        // plus young generation) stays under the container's memory limit.
        for (const { container: item } of containersOf(render(dir)).filter(
          ({ container: c }) => isOwnImage(c.image as string),
        )) {
          const run = spawnSync(
            process.execPath,
            ['-p', "require('node:v8').getHeapStatistics().heap_size_limit"],
            {
              encoding: 'utf8',
              env: { NODE_OPTIONS: envLiteral(item, 'NODE_OPTIONS') ?? '' },
            },
          );
          expect(run.stderr).toBe('');
          const limitMiB = memoryMiB(item.resources.limits.memory as string);
          expect(Number(run.stdout) / 1048576).toBeLessThan(limitMiB * 0.8);
        }
      },
    );

    itWithKubectl(
      'has no misspelt pod or container field and no access to host namespaces or paths',
      () => {
        expect(unknownFieldViolations(render(dir))).toEqual([]);
        expect(hostAccessViolations(render(dir))).toEqual([]);
      },
    );

    itWithKubectl(
      'mounts no Kubernetes API token automatically anywhere',
      () => {
        expect(tokenAutomountViolations(render(dir))).toEqual([]);
      },
    );

    itWithKubectl(
      'mounts every Secret read-only with mode 0400 and lets no Role read Secrets',
      () => {
        expect(secretVolumeViolations(render(dir))).toEqual([]);
        expect(secretReaderRules(render(dir))).toEqual([]);
      },
    );

    itWithKubectl(
      "sets only environment variables that the service's config schema knows",
      async () => {
        const unknown: string[] = [];
        for (const { workload, container: item } of containersOf(render(dir))) {
          const service = serviceOfImage(item.image as string);
          if (!service) continue;
          const known = await knownEnvKeys(service);
          for (const name of envNames(item).filter(
            (key) => !known.keys.has(key) && !NODE_RUNTIME_ENV.has(key),
          )) {
            unknown.push(
              `${workloadId(workload)} sets ${name}, unknown to ${service} (checked against ${known.source})`,
            );
          }
        }
        expect(unknown).toEqual([]);
      },
    );

    itWithKubectl(
      'expands $(VAR) only from variables defined earlier in the same container',
      () => {
        const problems = containersOf(render(dir)).flatMap(
          ({ workload, container: item }) => {
            const seen = new Set<string>();
            return ((item.env ?? []) as Json[]).flatMap((entry) => {
              const refs = [
                ...String(entry.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g),
              ].map((match) => match[1]);
              seen.add(entry.name as string);
              return refs
                .filter((ref) => ref === entry.name || !seen.has(ref))
                .map(
                  (ref) =>
                    `${workloadId(workload)} ${entry.name as string} uses $(${ref})`,
                );
            });
          },
        );
        expect(problems).toEqual([]);
      },
    );

    itWithKubectl(
      'selects phase 4: the agent uses the wallet in multi-tenant mode and so does the wallet',
      () => {
        const objects = render(dir);
        const agent = container(objects, 'Deployment', 'agent');
        expect(envLiteral(agent, 'AGENT_SECRET_BACKEND')).toBe('wallet');
        expect(envLiteral(agent, 'AGENT_TENANCY')).toBe('multi');
        expect(
          envLiteral(
            container(objects, 'Deployment', 'wallet'),
            'WALLET_TENANCY',
          ),
        ).toBe('multi');
      },
    );

    itWithKubectl(
      "points each of the wallet's AppRole file variables at a file of the mounted AppRole Secret",
      () => {
        const objects = render(dir);
        const wallet = findObject(objects, 'Deployment', 'wallet');
        const volume = ((podSpecOf(wallet)?.volumes ?? []) as Json[]).find(
          (item) => item.secret?.secretName === APPROLE_SECRET,
        );
        const mount = (
          (container(objects, 'Deployment', 'wallet').volumeMounts ??
            []) as Json[]
        ).find((item) => item.name === volume?.name);
        expect(mount?.readOnly).toBe(true);
        const files = ((volume?.secret.items ?? []) as Json[]).map(
          (item) => `${mount?.mountPath as string}/${item.path as string}`,
        );
        const fileVars = envNames(
          container(objects, 'Deployment', 'wallet'),
        ).filter((name) => /^VAULT_APPROLE_.*_FILE$/.test(name));
        expect(fileVars.length).toBe(2);
        for (const name of fileVars)
          expect(files).toContain(
            envLiteral(container(objects, 'Deployment', 'wallet'), name),
          );
      },
    );

    itWithKubectl(
      `runs at least ${minReplicas} replica(s) of each service`,
      () => {
        const deployments = render(dir).filter(
          (object) =>
            object.kind === 'Deployment' && object.metadata.name !== 'vault',
        );
        expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
          'agent',
          'gateway',
          'wallet',
        ]);
        for (const deployment of deployments)
          expect(deployment.spec.replicas).toBeGreaterThanOrEqual(minReplicas);
      },
    );
  },
);
