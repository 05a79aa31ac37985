import type { Json } from './manifests';
import {
  containersOf,
  findObject,
  isWorkload,
  podSpecOf,
  workloadId,
} from './manifests';
import {
  OVERLAYS,
  container,
  envLiteral,
  envNames,
  itWithKubectl,
  render,
} from './rendered';

// What each overlay adds on top of the rules every overlay meets (overlays.e2e.test.ts).

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
      // The issuer's vault CLI (an init container) verifies Vault with the same CA.
      const issuer = podSpecOf(
        findObject(objects, 'Job', 'wallet-approle-issuer'),
      ) as Json;
      const issue = (issuer.initContainers as Json[]).find(
        (c) => c.name === 'issue',
      ) as Json;
      const issueCa = envLiteral(issue, 'VAULT_CACERT') ?? '';
      expect(issueCa).toMatch(/^\/etc\/secret-flows\/vault-ca\//);
      expect(
        ((issue.volumeMounts ?? []) as Json[]).some(
          (m) => issueCa.startsWith(`${m.mountPath as string}/`) && m.readOnly,
        ),
      ).toBe(true);
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
      // wallet, bootstrap Job, gateway and the AppRole issuer Job.
      expect(vaultRules).toHaveLength(4);
      for (const rule of vaultRules)
        expect(rule.to).toEqual([{ ipBlock: { cidr: expect.any(String) } }]);
    },
  );
});

describe('workload inventory', () => {
  itWithKubectl(
    'keeps completed Jobs, so no apply or GitOps sync re-creates one against a revoked token',
    () => {
      for (const { dir } of OVERLAYS) {
        const withTtl = render(dir)
          .filter((o) => o.kind === 'Job')
          .filter((job) => job.spec.ttlSecondsAfterFinished !== undefined)
          .map((job) => `${dir} Job/${job.metadata.name as string}`);
        expect(withTtl).toEqual([]);
      }
    },
  );

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
