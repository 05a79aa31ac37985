import * as path from 'node:path';
import type { Json, Manifest } from './manifests';
import {
  K8S_DIR,
  containersOf,
  findObject,
  isWorkload,
  kubectlStatus,
  kustomizeBuild,
  podSpecOf,
  rawResources,
  workloadId,
} from './manifests';
import { knownEnvKeys, serviceOfImage } from './env-contract';
import { hostAccessViolations, unknownFieldViolations } from './fields';
import {
  APPROLE_SECRET,
  containerViolations,
  ingressRulesFor,
  secretReaderRules,
  secretVolumeViolations,
  tokenAutomountViolations,
  workloadsReadingSecret,
  workloadsWithEgressToPort,
} from './policy';
import { isBuiltIn, validateBuiltIn } from './schemas';

const kubectl = kubectlStatus();
const itWithKubectl = kubectl.available ? it : it.skip;
if (!kubectl.available) {
  // Visible in the test output: the overlays are not rendered, only the raw base files are checked.
  console.warn(
    `SKIPPED: rendering the overlays with kubectl kustomize (${kubectl.reason}); the base files are still validated.`,
  );
}

// Who may reach Vault's port, per overlay: the wallet, the bootstrap Job and the gateway (its
// three auth routes; the path restriction lives in apisix.yaml since NetworkPolicy is L3/L4),
// plus, where present, the AppRole issuer Job and the dev Vault itself (JWT auth reads its own JWKS).
const VAULT_CLIENTS_BASE = [
  'Deployment/gateway',
  'Deployment/wallet',
  'Job/vault-bootstrap',
];
const VAULT_CLIENTS_DEV = [
  ...VAULT_CLIENTS_BASE,
  'Deployment/vault',
  'Job/wallet-approle-issuer',
];

interface OverlayExpectation {
  dir: string;
  vaultClients: string[];
  minReplicas: number;
}

const OVERLAYS: OverlayExpectation[] = [
  { dir: 'overlays/dev', vaultClients: VAULT_CLIENTS_DEV, minReplicas: 1 },
  {
    dir: 'overlays/dev-wrapped',
    vaultClients: VAULT_CLIENTS_DEV,
    minReplicas: 1,
  },
  {
    dir: 'overlays/production',
    vaultClients: VAULT_CLIENTS_BASE,
    minReplicas: 2,
  },
];

// Read by the Node.js runtime itself, not by a service's config schema.
const NODE_RUNTIME_ENV = new Set(['NODE_EXTRA_CA_CERTS']);

const cache = new Map<string, Manifest[]>();
function render(dir: string): Manifest[] {
  if (!cache.has(dir)) cache.set(dir, kustomizeBuild(path.join(K8S_DIR, dir)));
  return cache.get(dir) ?? [];
}

function container(
  objects: Manifest[],
  kind: string,
  name: string,
  containerName = name,
): Json {
  const spec = podSpecOf(findObject(objects, kind, name)) ?? {};
  const found = ((spec.containers ?? []) as Json[]).find(
    (item) => item.name === containerName,
  );
  if (!found)
    throw new Error(`${kind}/${name} has no container ${containerName}`);
  return found;
}

function envNames(item: Json): string[] {
  return ((item.env ?? []) as Json[]).map((entry) => entry.name as string);
}

function envLiteral(item: Json, name: string): string | undefined {
  return ((item.env ?? []) as Json[]).find((entry) => entry.name === name)
    ?.value as string | undefined;
}

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
      "gives the agent no Vault variable and the gateway only Vault's host and port",
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

describe('the dev overlay', () => {
  itWithKubectl(
    'runs a pinned hashicorp/vault in dev mode with its root token from a Secret, one replica of each service',
    () => {
      const objects = render('overlays/dev');
      const vault = container(objects, 'Deployment', 'vault');
      expect(vault.image).toMatch(/^hashicorp\/vault:\d+\.\d+\.\d+$/);
      expect(vault.args).toContain('-dev');
      expect(
        ((vault.env ?? []) as Json[]).find(
          (e) => e.name === 'VAULT_DEV_ROOT_TOKEN_ID',
        )?.valueFrom?.secretKeyRef?.name,
      ).toBe('vault-dev-root-token');
      for (const name of ['agent', 'wallet', 'gateway'])
        expect(findObject(objects, 'Deployment', name).spec.replicas).toBe(1);
    },
  );

  itWithKubectl(
    'runs the bootstrap Job and the AppRole issuer Job against the dev Vault',
    () => {
      const objects = render('overlays/dev');
      const bootstrap = container(
        objects,
        'Job',
        'vault-bootstrap',
        'bootstrap',
      );
      expect(bootstrap.image).toMatch(/^secret-flows\/cli:/);
      expect(bootstrap.args[0]).toBe('bootstrap');
      expect(findObject(objects, 'Job', 'wallet-approle-issuer')).toBeDefined();
    },
  );

  itWithKubectl(
    'bootstraps the tenant role with the audience the agent and wallet expect in tenant JWTs',
    () => {
      for (const { dir } of OVERLAYS) {
        const objects = render(dir);
        const args = container(objects, 'Job', 'vault-bootstrap', 'bootstrap')
          .args as string[];
        const tenantJwt = objects.find(
          (o) =>
            o.kind === 'ConfigMap' && o.metadata.name.startsWith('tenant-jwt-'),
        );
        expect(args[args.indexOf('--agent-client-id') + 1]).toBe(
          tenantJwt?.data.TENANT_JWT_AUDIENCE,
        );
        expect(args.slice(0, 3)).toEqual(['bootstrap', '--phase', '4']);
      }
    },
  );

  itWithKubectl(
    'expects tenant JWTs from the issuer the dev Vault announces (its api_addr)',
    () => {
      const objects = render('overlays/dev');
      const apiAddr = envLiteral(
        container(objects, 'Deployment', 'vault'),
        'VAULT_API_ADDR',
      );
      const tenantJwt = objects.find(
        (o) =>
          o.kind === 'ConfigMap' && o.metadata.name.startsWith('tenant-jwt-'),
      );
      expect(tenantJwt?.data.TENANT_JWT_ISSUER).toBe(
        `${apiAddr}/v1/identity/oidc`,
      );
    },
  );

  itWithKubectl(
    'issues a plain secret_id that the wallet reads from a file at each login',
    () => {
      const objects = render('overlays/dev');
      expect(envNames(container(objects, 'Deployment', 'wallet'))).toContain(
        'VAULT_APPROLE_SECRET_ID_FILE',
      );
      const issue = (
        (podSpecOf(findObject(objects, 'Job', 'wallet-approle-issuer'))
          ?.initContainers ?? []) as Json[]
      )[0];
      expect(envLiteral(issue, 'WRAP_TTL')).toBe('');
    },
  );
});

describe('the trusted-orchestrator variant (dev-wrapped)', () => {
  itWithKubectl(
    'gives the wallet only a response-wrapped secret_id, unwrapped once at start by one replica',
    () => {
      const objects = render('overlays/dev-wrapped');
      const wallet = container(objects, 'Deployment', 'wallet');
      expect(envNames(wallet)).toContain(
        'VAULT_APPROLE_WRAPPED_SECRET_ID_FILE',
      );
      expect(envNames(wallet)).not.toContain('VAULT_APPROLE_SECRET_ID_FILE');
      expect(findObject(objects, 'Deployment', 'wallet').spec.replicas).toBe(1);
      const issue = (
        (podSpecOf(findObject(objects, 'Job', 'wallet-approle-issuer'))
          ?.initContainers ?? []) as Json[]
      )[0];
      expect(envLiteral(issue, 'WRAP_TTL')).toMatch(/^\d+[smh]$/);
    },
  );

  itWithKubectl(
    'keeps the Kubernetes API token out of the container that holds the Vault token',
    () => {
      const spec =
        podSpecOf(
          findObject(
            render('overlays/dev-wrapped'),
            'Job',
            'wallet-approle-issuer',
          ),
        ) ?? {};
      const mountsOf = (item: Json) =>
        ((item.volumeMounts ?? []) as Json[]).map((m) => m.name as string);
      const [issue] = spec.initContainers as Json[];
      const [deliver] = spec.containers as Json[];
      expect(mountsOf(issue)).not.toContain('kube-api-access');
      expect(mountsOf(deliver)).toContain('kube-api-access');
      expect(mountsOf(deliver)).not.toContain('vault-issuer-token');
    },
  );
});

describe('the production overlay', () => {
  itWithKubectl(
    'reaches an external Vault over TLS and verifies it with the CA bundle in every Vault client',
    () => {
      const objects = render('overlays/production');
      const connection = objects.find(
        (o) =>
          o.kind === 'ConfigMap' &&
          o.metadata.name.startsWith('vault-connection'),
      );
      expect(connection?.data.VAULT_ADDR).toMatch(/^https:\/\//);
      expect(
        objects.some(
          (o) => o.kind === 'Deployment' && o.metadata.name === 'vault',
        ),
      ).toBe(false);
      for (const [kind, name, containerName] of [
        ['Deployment', 'wallet', 'wallet'],
        ['Job', 'vault-bootstrap', 'bootstrap'],
      ]) {
        const item = container(objects, kind, name, containerName);
        const caFile = envLiteral(item, 'VAULT_CACERT') ?? '';
        const mounts = (item.volumeMounts ?? []) as Json[];
        expect(
          mounts.some(
            (m) =>
              caFile.startsWith(`${m.mountPath as string}/`) &&
              m.readOnly === true,
          ),
        ).toBe(true);
      }
    },
  );

  itWithKubectl(
    "lets the wallet's HTTPS JWKS fetch trust the Vault CA as well",
    () => {
      const wallet = container(
        render('overlays/production'),
        'Deployment',
        'wallet',
      );
      expect(envLiteral(wallet, 'TENANT_JWT_JWKS_URL')).toMatch(
        /^\$\(VAULT_ADDR\)/,
      );
      expect(envLiteral(wallet, 'NODE_EXTRA_CA_CERTS')).toBe(
        envLiteral(wallet, 'VAULT_CACERT'),
      );
    },
  );

  itWithKubectl(
    'scales every service with an HPA from two replicas and protects it with a PodDisruptionBudget',
    () => {
      const objects = render('overlays/production');
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        const name = deployment.metadata.name;
        const hpa = objects.find(
          (o) =>
            o.kind === 'HorizontalPodAutoscaler' &&
            o.spec.scaleTargetRef.name === name,
        );
        expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
        const labels = deployment.spec.template.metadata.labels as Record<
          string,
          string
        >;
        const pdb = objects.find(
          (o) =>
            o.kind === 'PodDisruptionBudget' &&
            Object.entries(
              o.spec.selector.matchLabels as Record<string, string>,
            ).every(([k, v]) => labels[k] === v),
        );
        expect(pdb?.spec.minAvailable).toBeGreaterThanOrEqual(1);
        const keys = (
          (deployment.spec.template.spec.topologySpreadConstraints ??
            []) as Json[]
        ).map((c) => c.topologyKey);
        expect(keys).toEqual(
          expect.arrayContaining([
            'kubernetes.io/hostname',
            'topology.kubernetes.io/zone',
          ]),
        );
      }
    },
  );

  itWithKubectl(
    'lets the Vault clients reach Vault only at its address block, not at any in-cluster pod',
    () => {
      const objects = render('overlays/production');
      const vaultRules = objects
        .filter((o) => o.kind === 'NetworkPolicy')
        .flatMap((policy) =>
          ((policy.spec.egress ?? []) as Json[]).filter((rule) =>
            ((rule.ports ?? []) as Json[]).some((p) => p.port === 8200),
          ),
        );
      expect(vaultRules).toHaveLength(3);
      for (const rule of vaultRules)
        expect(rule.to).toEqual([{ ipBlock: { cidr: expect.any(String) } }]);
    },
  );
});

describe('workload inventory', () => {
  itWithKubectl(
    'deploys neither development stand-in: APISIX replaces gateway-dev and a real Vault replaces vault-dev',
    () => {
      for (const { dir } of OVERLAYS) {
        const images = containersOf(render(dir)).map(
          ({ container: item }) => item.image as string,
        );
        expect(
          images.filter((image) => /gateway-dev|vault-dev/.test(image)),
        ).toEqual([]);
        expect(images).toEqual(
          expect.arrayContaining([expect.stringMatching(/^apache\/apisix:/)]),
        );
      }
    },
  );

  itWithKubectl(
    'has a ServiceAccount of its own for every workload, so no pod runs as "default"',
    () => {
      for (const { dir } of OVERLAYS) {
        const objects = render(dir);
        const accounts = new Set(
          objects
            .filter((o) => o.kind === 'ServiceAccount')
            .map((o) => o.metadata.name),
        );
        const missing = objects
          .filter(isWorkload)
          .filter(
            (w) => !accounts.has(podSpecOf(w)?.serviceAccountName as string),
          )
          .map(workloadId);
        expect(missing).toEqual([]);
      }
    },
  );
});
