import type { Json, Manifest } from './manifests';
import {
  containerViolations,
  memoryMiB,
  nodeHeapViolations,
  probeTimingViolations,
  ingressRulesFor,
  isPinnedImage,
  secretReaderRules,
  secretVolumeViolations,
  selectorMatches,
  tokenAutomountViolations,
  workloadsReadingSecret,
  workloadsWithEgressToPort,
} from './policy';

// The checkers guard the real manifests, so each must be seen catching the mistake it exists for.

function compliantContainer(overrides: Json = {}): Json {
  return {
    name: 'app',
    image: 'secret-flows/agent:0.1.0',
    resources: {
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '1', memory: '64Mi' },
    },
    livenessProbe: { httpGet: { path: '/_system/health', port: 8085 } },
    readinessProbe: {
      httpGet: { path: '/_system/ready?scope=self', port: 8085 },
      timeoutSeconds: 2,
    },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...overrides,
  };
}

function deployment(name: string, spec: Json = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          automountServiceAccountToken: false,
          containers: [compliantContainer()],
          ...spec,
        },
      },
    },
  };
}

function egressPolicy(
  name: string,
  podSelector: Json,
  egress: Json[],
): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec: { podSelector, policyTypes: ['Egress'], egress },
  };
}

describe('the AppRole Secret reference check', () => {
  it('finds a Secret read through a volume, an env secretKeyRef or envFrom', () => {
    const objects = [
      deployment('wallet', {
        volumes: [{ name: 'a', secret: { secretName: 'wallet-approle' } }],
      }),
      deployment('agent', {
        containers: [
          compliantContainer({
            env: [
              {
                name: 'X',
                valueFrom: {
                  secretKeyRef: { name: 'wallet-approle', key: 'k' },
                },
              },
            ],
          }),
        ],
      }),
      deployment('gateway', {
        containers: [
          compliantContainer({
            envFrom: [{ secretRef: { name: 'wallet-approle' } }],
          }),
        ],
      }),
      deployment('other'),
    ];
    expect(workloadsReadingSecret(objects, 'wallet-approle')).toEqual([
      'Deployment/wallet',
      'Deployment/agent',
      'Deployment/gateway',
    ]);
  });
});

describe('the egress-to-port check', () => {
  const workloads = [deployment('wallet'), deployment('agent')];
  const denyAll = egressPolicy('deny', {}, []);

  it('counts a pod that no egress policy isolates as able to reach every port', () => {
    expect(workloadsWithEgressToPort(workloads, 8200)).toEqual([
      'Deployment/wallet',
      'Deployment/agent',
    ]);
  });

  it('lets a default-deny policy close every port and a narrow rule open one port for one workload', () => {
    const walletToVault = egressPolicy(
      'wallet',
      { matchLabels: { 'app.kubernetes.io/name': 'wallet' } },
      [{ ports: [{ port: 8200 }] }],
    );
    expect(
      workloadsWithEgressToPort([...workloads, denyAll, walletToVault], 8200),
    ).toEqual(['Deployment/wallet']);
    expect(
      workloadsWithEgressToPort([...workloads, denyAll, walletToVault], 8086),
    ).toEqual([]);
  });

  it('treats a rule without ports, a port range or a named port as reaching the port', () => {
    const agent = { matchLabels: { 'app.kubernetes.io/name': 'agent' } };
    for (const rule of [
      { to: [{ podSelector: {} }] },
      { ports: [{ port: 8000, endPort: 9000 }] },
      { ports: [{ port: 'vault' }] },
    ]) {
      expect(
        workloadsWithEgressToPort(
          [...workloads, denyAll, egressPolicy('agent', agent, [rule])],
          8200,
        ),
      ).toEqual(['Deployment/agent']);
    }
  });
});

describe('label selectors', () => {
  it.each([
    [{}, { a: '1' }, true],
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '2' } }, { a: '1' }, false],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '3'] }] },
      { a: '1' },
      true,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] },
      { a: '1' },
      false,
    ],
  ])('selector %j on labels %j matches: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('the container rules check', () => {
  it('accepts a compliant container', () => {
    expect(containerViolations([deployment('agent')])).toEqual([]);
  });

  it.each([
    ['an unpinned image', { image: 'secret-flows/agent:latest' }, 'not pinned'],
    [
      'a root filesystem that is writable',
      {
        securityContext: {
          ...compliantContainer().securityContext,
          readOnlyRootFilesystem: false,
        },
      },
      'readOnlyRootFilesystem',
    ],
    [
      'kept capabilities',
      {
        securityContext: {
          ...compliantContainer().securityContext,
          capabilities: {},
        },
      },
      'drop ALL',
    ],
    [
      'missing limits',
      { resources: { requests: { cpu: '1m', memory: '1Mi' } } },
      'limits.cpu',
    ],
    [
      'a liveness probe elsewhere',
      { livenessProbe: { httpGet: { path: '/healthz', port: 1 } } },
      '/_system/health',
    ],
    ['no readiness probe', { readinessProbe: undefined }, '/_system/ready'],
    [
      'a readiness probe that asks the dependencies',
      { readinessProbe: { httpGet: { path: '/_system/ready', port: 8085 } } },
      'not /_system/ready?scope=self',
    ],
  ])('reports %s', (_label, overrides, expected) => {
    const violations = containerViolations([
      deployment('agent', { containers: [compliantContainer(overrides)] }),
    ]);
    expect(violations.join('\n')).toContain(expected);
  });

  it('does not ask a Job container for probes but still checks its security', () => {
    const job: Manifest = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'bootstrap' },
      spec: {
        template: {
          spec: {
            containers: [
              compliantContainer({
                livenessProbe: undefined,
                readinessProbe: undefined,
                securityContext: {},
              }),
            ],
          },
        },
      },
    };
    const violations = containerViolations([job]);
    expect(violations.some((line) => line.includes('probe'))).toBe(false);
    expect(violations.some((line) => line.includes('runAsNonRoot'))).toBe(true);
  });
});

describe('image pinning', () => {
  it.each([
    ['hashicorp/vault:1.20.4', true],
    ['secret-flows/agent:0.1.0', true],
    ['secret-flows/agent', false],
    ['node:latest', false],
    ['localhost:5000/agent', false],
    [`agent@sha256:${'a'.repeat(64)}`, true],
  ])('%s is pinned: %s', (image, expected) => {
    expect(isPinnedImage(image)).toBe(expected);
  });
});

describe('credential exposure checks', () => {
  it('reports a ServiceAccount and a pod that mount an API token automatically', () => {
    const account: Manifest = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'agent' },
    };
    const pod = deployment('agent', {
      automountServiceAccountToken: undefined,
    });
    expect(tokenAutomountViolations([account, pod])).toHaveLength(2);
  });

  it('reports a Secret volume that is world-readable or mounted writable', () => {
    const container = compliantContainer({
      volumeMounts: [{ name: 'approle', mountPath: '/s' }],
    });
    const pod = deployment('wallet', {
      containers: [container],
      volumes: [
        { name: 'approle', secret: { secretName: 'x', defaultMode: 0o644 } },
      ],
    });
    expect(secretVolumeViolations([pod])).toEqual([
      'Deployment/wallet volume approle: defaultMode is 420, not 0400',
      'Deployment/wallet volume approle: mounted without readOnly',
    ]);
  });

  it('reports a Role that can read Secrets', () => {
    const role: Manifest = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader' },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['patch'] },
      ],
    };
    expect(secretReaderRules([role])).toEqual([
      'Role/reader grants get on secrets',
    ]);
  });
});

describe('the ingress rule lookup', () => {
  it('returns null for a pod no ingress policy isolates, and the admitting rules otherwise', () => {
    const wallet = deployment('wallet');
    const rule = {
      from: [
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent' } } },
      ],
    };
    const policy: Manifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'wallet' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'wallet' } },
        policyTypes: ['Ingress'],
        ingress: [rule],
      },
    };
    expect(ingressRulesFor([wallet], wallet)).toBeNull();
    expect(ingressRulesFor([wallet, policy], wallet)).toEqual([rule]);
  });
});

describe('probeTimingViolations', () => {
  it('accepts probes that time out later than what they wait for', () => {
    const ok = deployment('agent', {
      containers: [
        compliantContainer({
          livenessProbe: {
            httpGet: { path: '/_system/health', port: 1 },
            timeoutSeconds: 2,
            periodSeconds: 10,
            failureThreshold: 3,
          },
        }),
      ],
    });
    expect(probeTimingViolations([ok], () => 0)).toEqual([]);
  });

  it('reports a 1 s default timeout, a timeout shorter than the wait, and a hasty liveness', () => {
    const bad = deployment('wallet', {
      containers: [
        compliantContainer({
          livenessProbe: {
            httpGet: { path: '/_system/health', port: 1 },
            periodSeconds: 5,
            failureThreshold: 2,
          },
          readinessProbe: {
            httpGet: { path: '/_system/ready', port: 1 },
            timeoutSeconds: 2,
          },
        }),
      ],
    });
    const found = probeTimingViolations([bad], () => 5000).join('\n');
    expect(found).toContain('livenessProbe timeoutSeconds 1 < 2');
    expect(found).toContain(
      'readinessProbe times out after 2 s but the endpoint may wait 5000 ms',
    );
    expect(found).toContain('restarts after only 10 s');
  });
});

describe('nodeHeapViolations', () => {
  const withEnv = (value: string | undefined, memory = '256Mi') =>
    deployment('agent', {
      containers: [
        compliantContainer({
          env: value === undefined ? [] : [{ name: 'NODE_OPTIONS', value }],
          resources: {
            requests: { cpu: '1m', memory: '1Mi' },
            limits: { cpu: '1', memory },
          },
        }),
      ],
    });

  it('accepts a heap limit within the share of the memory limit', () => {
    expect(nodeHeapViolations([withEnv('--max-old-space-size=160')])).toEqual(
      [],
    );
  });

  it('reports a missing heap limit and one too close to the memory limit', () => {
    expect(nodeHeapViolations([withEnv(undefined)]).join()).toContain(
      'no --max-old-space-size',
    );
    expect(
      nodeHeapViolations([withEnv('--max-old-space-size=200')]).join(),
    ).toContain('more than 179 MiB');
  });

  it('reads Kubernetes memory quantities', () => {
    expect(memoryMiB('256Mi')).toBe(256);
    expect(memoryMiB('1Gi')).toBe(1024);
    expect(memoryMiB('268435456')).toBe(256);
  });
});
