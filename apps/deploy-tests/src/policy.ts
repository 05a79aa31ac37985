import type { Json, Manifest } from './manifests';
import {
  containersOf,
  isWorkload,
  podSpecOf,
  podTemplateOf,
  workloadId,
} from './manifests';

/** The Secret that holds the wallet's AppRole role_id and secret_id (or wrapped secret_id). */
export const APPROLE_SECRET = 'wallet-approle';

/** Secret names a pod spec reads: secret and projected volumes, env secretKeyRef, envFrom secretRef. */
export function secretsReadBy(podSpec: Json | undefined): Set<string> {
  const names = new Set<string>();
  for (const volume of (podSpec?.volumes ?? []) as Json[]) {
    if (volume.secret?.secretName)
      names.add(volume.secret.secretName as string);
    for (const source of (volume.projected?.sources ?? []) as Json[]) {
      if (source.secret?.name) names.add(source.secret.name as string);
    }
  }
  const containers = [
    ...((podSpec?.initContainers ?? []) as Json[]),
    ...((podSpec?.containers ?? []) as Json[]),
  ];
  for (const container of containers) {
    for (const env of (container.env ?? []) as Json[]) {
      if (env.valueFrom?.secretKeyRef?.name)
        names.add(env.valueFrom.secretKeyRef.name as string);
    }
    for (const from of (container.envFrom ?? []) as Json[]) {
      if (from.secretRef?.name) names.add(from.secretRef.name as string);
    }
  }
  return names;
}

/** Workloads (Kind/name) whose pods read the given Secret in any way. */
export function workloadsReadingSecret(
  objects: Manifest[],
  secretName: string,
): string[] {
  return objects
    .filter(isWorkload)
    .filter((workload) => secretsReadBy(podSpecOf(workload)).has(secretName))
    .map(workloadId);
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics: matchLabels AND every expression; an empty selector matches all. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const byExpression = (selector.matchExpressions ?? []).every(
    ({ key, operator, values = [] }) => {
      if (operator === 'In') return values.includes(labels[key]);
      if (operator === 'NotIn') return !values.includes(labels[key]);
      if (operator === 'Exists') return key in labels;
      if (operator === 'DoesNotExist') return !(key in labels);
      throw new Error(`unknown selector operator ${operator}`);
    },
  );
  return byLabel && byExpression;
}

function isEgressPolicy(policy: Manifest): boolean {
  const types = policy.spec?.policyTypes as string[] | undefined;
  return types ? types.includes('Egress') : policy.spec?.egress !== undefined;
}

// No ports means every port; a named port cannot be resolved offline, so it counts as a match.
function ruleAllowsPort(rule: Json, port: number): boolean {
  const ports = rule.ports as Json[] | undefined;
  if (!ports || ports.length === 0) return true;
  return ports.some((entry) => {
    if (entry.port === undefined || typeof entry.port === 'string') return true;
    const end = (entry.endPort as number | undefined) ?? entry.port;
    return port >= entry.port && port <= end;
  });
}

/**
 * Workloads whose pods may open connections to the given TCP port. A pod that no egress policy
 * selects is not isolated at all, so it counts too: the check fails closed.
 */
export function workloadsWithEgressToPort(
  objects: Manifest[],
  port: number,
): string[] {
  const policies = objects.filter(
    (object) => object.kind === 'NetworkPolicy' && isEgressPolicy(object),
  );
  return objects.filter(isWorkload).flatMap((workload) => {
    const labels = (podTemplateOf(workload)?.metadata?.labels ?? {}) as Record<
      string,
      string
    >;
    const selecting = policies.filter((policy) =>
      selectorMatches(policy.spec?.podSelector, labels),
    );
    const isOpen = selecting.length === 0;
    const allows = selecting.some((policy) =>
      ((policy.spec?.egress ?? []) as Json[]).some((rule) =>
        ruleAllowsPort(rule, port),
      ),
    );
    return isOpen || allows ? [workloadId(workload)] : [];
  });
}

/** The app.kubernetes.io/name of a workload's pods, the identity the NetworkPolicies select on. */
export function appNameOf(workload: Manifest): string | undefined {
  return podTemplateOf(workload)?.metadata?.labels?.[
    'app.kubernetes.io/name'
  ] as string | undefined;
}

/** An image reference pinned to a version tag or digest: never untagged, never `latest`. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':')
    ? lastSegment.slice(lastSegment.indexOf(':') + 1)
    : '';
  return tag !== '' && tag !== 'latest' && /\d/.test(tag);
}

const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Our own images serve /_system/health and /_system/ready; others bring their own endpoints. */
export function isOwnImage(image: string): boolean {
  return /^(?:[^/]+\/)*secret-flows\/(?:agent|wallet|cli)(?:[:@]|$)/.test(
    image,
  );
}

function securityViolations(podSpec: Json, container: Json): string[] {
  const pod = (podSpec.securityContext ?? {}) as Json;
  const own = (container.securityContext ?? {}) as Json;
  const problems: string[] = [];
  if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true)
    problems.push('runAsNonRoot is not true');
  if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push('runs as uid 0');
  if (own.readOnlyRootFilesystem !== true)
    problems.push('readOnlyRootFilesystem is not true');
  if (own.allowPrivilegeEscalation !== false)
    problems.push('allowPrivilegeEscalation is not false');
  if (!((own.capabilities?.drop ?? []) as string[]).includes('ALL'))
    problems.push('capabilities do not drop ALL');
  if (own.capabilities?.add?.length) problems.push('adds capabilities');
  if (own.privileged === true) problems.push('is privileged');
  if (
    (own.seccompProfile?.type ?? pod.seccompProfile?.type) !== 'RuntimeDefault'
  )
    problems.push('seccompProfile is not RuntimeDefault');
  return problems;
}

function resourceViolations(container: Json): string[] {
  const wanted = [
    'requests.cpu',
    'requests.memory',
    'limits.cpu',
    'limits.memory',
  ];
  return wanted
    .filter((key) => {
      const [group, resource] = key.split('.');
      return container.resources?.[group]?.[resource] === undefined;
    })
    .map((key) => `has no resources.${key}`);
}

function probeViolations(container: Json): string[] {
  const liveness = container.livenessProbe?.httpGet?.path as string | undefined;
  const readiness = container.readinessProbe?.httpGet?.path as
    | string
    | undefined;
  if (!isOwnImage(container.image as string)) {
    return [
      ...(liveness ? [] : ['has no HTTP liveness probe']),
      ...(readiness ? [] : ['has no HTTP readiness probe']),
    ];
  }
  return [
    ...(liveness === '/_system/health'
      ? []
      : [`liveness probe is ${liveness ?? 'missing'}, not /_system/health`]),
    ...(readiness === OWN_READINESS_PATH
      ? []
      : [
          `readiness probe is ${readiness ?? 'missing'}, not ${OWN_READINESS_PATH}`,
        ]),
  ];
}

/**
 * The kubelet's readiness path of our services: this pod's own state, no dependency call and no
 * Vault login (ADR 0012), so a Vault or wallet outage never takes every pod out of its Service.
 */
export const OWN_READINESS_PATH = '/_system/ready?scope=self';

/** The shortest probe timeout we accept: a probe that waits for nothing still meets GC pauses. */
export const MIN_PROBE_TIMEOUT_SECONDS = 2;

/**
 * Probe timing of long-running containers: every probe has a timeout of at least
 * MIN_PROBE_TIMEOUT_SECONDS, longer than anything the probed endpoint waits for (`waitsForMs`,
 * by container), and liveness tolerates at least 20 s of failures before a restart.
 */
export function probeTimingViolations(
  objects: Manifest[],
  waitsForMs: (container: Json) => number = () => 0,
): string[] {
  return containersOf(objects)
    .filter(
      ({ workload, isInit }) => !isInit && LONG_RUNNING.includes(workload.kind),
    )
    .flatMap(({ workload, container }) => {
      const where = `${workloadId(workload)} container ${container.name as string}`;
      const problems: string[] = [];
      for (const kind of ['livenessProbe', 'readinessProbe']) {
        const probe = container[kind] as Json | undefined;
        if (!probe) continue;
        const timeout = (probe.timeoutSeconds ?? 1) as number;
        if (timeout < MIN_PROBE_TIMEOUT_SECONDS)
          problems.push(
            `${kind} timeoutSeconds ${timeout} < ${MIN_PROBE_TIMEOUT_SECONDS}`,
          );
        const waits = waitsForMs(container);
        if (timeout * 1000 <= waits)
          problems.push(
            `${kind} times out after ${timeout} s but the endpoint may wait ${waits} ms`,
          );
      }
      const live = container.livenessProbe as Json | undefined;
      if (live) {
        const window =
          ((live.periodSeconds ?? 10) as number) *
          ((live.failureThreshold ?? 3) as number);
        if (window < 20)
          problems.push(
            `livenessProbe restarts after only ${window} s of failures`,
          );
      }
      return problems.map((problem) => `${where}: ${problem}`);
    });
}

/** Kubernetes memory quantity in MiB (Ki, Mi, Gi, plain bytes, M, G). */
export function memoryMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const value = Number(match[1]);
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    k: 1000 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
  };
  return value * (match[2] ? factor[match[2]] : 1 / 1048576);
}

/** The largest share of a container's memory limit the V8 old space may take. */
export const MAX_HEAP_SHARE_OF_LIMIT = 0.7;

/**
 * Node containers (our images) without a heap limit tied to their memory limit: NODE_OPTIONS
 * must carry --max-old-space-size of at most MAX_HEAP_SHARE_OF_LIMIT of limits.memory, so V8
 * collects garbage before the kernel kills the container (the rest is code, buffers and the
 * young generation).
 */
export function nodeHeapViolations(objects: Manifest[]): string[] {
  return containersOf(objects)
    .filter(({ container }) => isOwnImage(container.image as string))
    .flatMap(({ workload, container }) => {
      const where = `${workloadId(workload)} container ${container.name as string}`;
      const options = ((container.env ?? []) as Json[]).find(
        (e) => e.name === 'NODE_OPTIONS',
      )?.value as string | undefined;
      const heap = /--max-old-space-size=(\d+)/.exec(options ?? '')?.[1];
      const limit = container.resources?.limits?.memory as string | undefined;
      if (!heap) return [`${where}: NODE_OPTIONS sets no --max-old-space-size`];
      if (!limit) return [`${where}: has no memory limit`];
      const most = Math.floor(memoryMiB(limit) * MAX_HEAP_SHARE_OF_LIMIT);
      return Number(heap) <= most
        ? []
        : [
            `${where}: heap ${heap} MiB is more than ${most} MiB (${MAX_HEAP_SHARE_OF_LIMIT} of ${limit})`,
          ];
    });
}

/**
 * Every container's violations of the deployment rules (deploy/README.md): pinned image, non-root,
 * read-only root filesystem, no privilege escalation, capabilities dropped, RuntimeDefault
 * seccomp, requests and limits; plus liveness and readiness probes for long-running containers.
 */
export function containerViolations(objects: Manifest[]): string[] {
  return containersOf(objects).flatMap(({ workload, container, isInit }) => {
    const where = `${workloadId(workload)} container ${container.name as string}`;
    const image = (container.image ?? '') as string;
    const podSpec = podSpecOf(workload) ?? {};
    const problems = [
      ...(isPinnedImage(image)
        ? []
        : [`image "${image}" is not pinned to a version`]),
      ...securityViolations(podSpec, container),
      ...resourceViolations(container),
      ...(!isInit && LONG_RUNNING.includes(workload.kind)
        ? probeViolations(container)
        : []),
    ];
    return problems.map((problem) => `${where}: ${problem}`);
  });
}

/** ServiceAccounts and pods that would get a Kubernetes API token mounted automatically. */
export function tokenAutomountViolations(objects: Manifest[]): string[] {
  const accounts = objects
    .filter(
      (object) =>
        object.kind === 'ServiceAccount' &&
        object.automountServiceAccountToken !== false,
    )
    .map(
      (object) =>
        `ServiceAccount/${object.metadata.name} does not set automountServiceAccountToken: false`,
    );
  const pods = objects
    .filter(isWorkload)
    .filter(
      (workload) => podSpecOf(workload)?.automountServiceAccountToken !== false,
    )
    .map(
      (workload) =>
        `${workloadId(workload)} does not set automountServiceAccountToken: false`,
    );
  return [...accounts, ...pods];
}

/** Secret and token volumes that are not 0400 or are mounted writable. */
export function secretVolumeViolations(objects: Manifest[]): string[] {
  return objects.filter(isWorkload).flatMap((workload) => {
    const spec = podSpecOf(workload) ?? {};
    const sensitive = ((spec.volumes ?? []) as Json[]).filter(
      (volume) =>
        volume.secret ||
        ((volume.projected?.sources ?? []) as Json[]).some(
          (s) => s.serviceAccountToken || s.secret,
        ),
    );
    const mounts = [
      ...((spec.initContainers ?? []) as Json[]),
      ...((spec.containers ?? []) as Json[]),
    ].flatMap((container) => (container.volumeMounts ?? []) as Json[]);
    return sensitive.flatMap((volume) => {
      const mode = (volume.secret?.defaultMode ??
        volume.projected?.defaultMode) as number | undefined;
      const where = `${workloadId(workload)} volume ${volume.name as string}`;
      const writable = mounts.filter(
        (mount) => mount.name === volume.name && mount.readOnly !== true,
      );
      return [
        ...(mode === 0o400
          ? []
          : [`${where}: defaultMode is ${mode ?? 'unset (0644)'}, not 0400`]),
        ...(writable.length > 0 ? [`${where}: mounted without readOnly`] : []),
      ];
    });
  });
}

const READ_VERBS = ['get', 'list', 'watch', '*'];

/** RBAC rules in the manifests that let anyone read Secrets. */
export function secretReaderRules(objects: Manifest[]): string[] {
  return objects
    .filter((object) => object.kind === 'Role' || object.kind === 'ClusterRole')
    .flatMap((role) =>
      ((role.rules ?? []) as Json[])
        .filter((rule) =>
          ((rule.resources ?? []) as string[]).some(
            (r) => r === 'secrets' || r === '*',
          ),
        )
        .filter((rule) =>
          ((rule.verbs ?? []) as string[]).some((verb) =>
            READ_VERBS.includes(verb),
          ),
        )
        .map(
          (rule) =>
            `${role.kind}/${role.metadata.name} grants ${(rule.verbs as string[]).join(',')} on secrets`,
        ),
    );
}

/** Every ingress rule that admits traffic into a workload's pods (an unisolated pod admits everything: null). */
export function ingressRulesFor(
  objects: Manifest[],
  workload: Manifest,
): Json[] | null {
  const labels = (podTemplateOf(workload)?.metadata?.labels ?? {}) as Record<
    string,
    string
  >;
  const selecting = objects.filter(
    (object) =>
      object.kind === 'NetworkPolicy' &&
      (
        (object.spec?.policyTypes as string[] | undefined) ?? ['Ingress']
      ).includes('Ingress') &&
      selectorMatches(object.spec?.podSelector, labels),
  );
  if (selecting.length === 0) return null;
  return selecting.flatMap((policy) => (policy.spec?.ingress ?? []) as Json[]);
}
