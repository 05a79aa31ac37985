import type { Json, Manifest } from './manifests';
import { isWorkload, podSpecOf, workloadId } from './manifests';

// kubernetes-models accepts unknown properties, so a misspelt field (readinesProbe,
// securityContex) would validate and then be dropped by the API server. These are the fields of
// the Kubernetes 1.32 core/v1 types the manifests touch.
const POD_SPEC_FIELDS = new Set([
  'activeDeadlineSeconds',
  'affinity',
  'automountServiceAccountToken',
  'containers',
  'dnsConfig',
  'dnsPolicy',
  'enableServiceLinks',
  'ephemeralContainers',
  'hostAliases',
  'hostIPC',
  'hostNetwork',
  'hostPID',
  'hostUsers',
  'hostname',
  'imagePullSecrets',
  'initContainers',
  'nodeName',
  'nodeSelector',
  'os',
  'overhead',
  'preemptionPolicy',
  'priority',
  'priorityClassName',
  'readinessGates',
  'resourceClaims',
  'resources',
  'restartPolicy',
  'runtimeClassName',
  'schedulerName',
  'schedulingGates',
  'securityContext',
  'serviceAccount',
  'serviceAccountName',
  'setHostnameAsFQDN',
  'shareProcessNamespace',
  'subdomain',
  'terminationGracePeriodSeconds',
  'tolerations',
  'topologySpreadConstraints',
  'volumes',
]);
const CONTAINER_FIELDS = new Set([
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
]);
const CONTAINER_SECURITY_FIELDS = new Set([
  'allowPrivilegeEscalation',
  'appArmorProfile',
  'capabilities',
  'privileged',
  'procMount',
  'readOnlyRootFilesystem',
  'runAsGroup',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile',
  'windowsOptions',
]);
const POD_SECURITY_FIELDS = new Set([
  'appArmorProfile',
  'fsGroup',
  'fsGroupChangePolicy',
  'runAsGroup',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxChangePolicy',
  'seLinuxOptions',
  'seccompProfile',
  'supplementalGroups',
  'supplementalGroupsPolicy',
  'sysctls',
  'windowsOptions',
]);

function unknownKeys(
  value: Json | undefined,
  known: Set<string>,
  where: string,
): string[] {
  return Object.keys(value ?? {})
    .filter((key) => !known.has(key))
    .map((key) => `${where}: unknown field "${key}"`);
}

/** Misspelt or unknown fields in pod specs, containers and security contexts. */
export function unknownFieldViolations(objects: Manifest[]): string[] {
  return objects.filter(isWorkload).flatMap((workload) => {
    const spec = podSpecOf(workload) ?? {};
    const id = workloadId(workload);
    const containers = [
      ...((spec.initContainers ?? []) as Json[]),
      ...((spec.containers ?? []) as Json[]),
    ];
    return [
      ...unknownKeys(spec, POD_SPEC_FIELDS, `${id} pod spec`),
      ...unknownKeys(
        spec.securityContext as Json | undefined,
        POD_SECURITY_FIELDS,
        `${id} pod securityContext`,
      ),
      ...containers.flatMap((container) => [
        ...unknownKeys(
          container,
          CONTAINER_FIELDS,
          `${id} container ${container.name as string}`,
        ),
        ...unknownKeys(
          container.securityContext as Json | undefined,
          CONTAINER_SECURITY_FIELDS,
          `${id} container ${container.name as string} securityContext`,
        ),
      ]),
    ];
  });
}

/** Pods that share a host namespace or mount a host path. */
export function hostAccessViolations(objects: Manifest[]): string[] {
  return objects.filter(isWorkload).flatMap((workload) => {
    const spec = podSpecOf(workload) ?? {};
    const id = workloadId(workload);
    const shared = ['hostNetwork', 'hostPID', 'hostIPC']
      .filter((key) => spec[key] === true)
      .map((key) => `${id} sets ${key}`);
    const hostPaths = ((spec.volumes ?? []) as Json[])
      .filter((v) => v.hostPath)
      .map((v) => `${id} mounts hostPath volume ${v.name as string}`);
    return [...shared, ...hostPaths];
  });
}
