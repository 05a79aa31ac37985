import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The parts of the Kubernetes API objects this run reads (the rest of each object is ignored). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: unknown;
  };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  volumeMounts?: VolumeMount[];
  workingDir?: string;
}

export interface Volume {
  name: string;
  secret?: {
    secretName: string;
    items?: KeyToPath[];
    defaultMode?: number;
    optional?: boolean;
  };
  configMap?: {
    name: string;
    items?: KeyToPath[];
    defaultMode?: number;
    optional?: boolean;
  };
  emptyDir?: Record<string, unknown>;
  projected?: {
    defaultMode?: number;
    sources: Array<{
      serviceAccountToken?: {
        path: string;
        expirationSeconds?: number;
        audience?: string;
      };
      configMap?: { name: string; items?: KeyToPath[]; optional?: boolean };
      secret?: { name: string; items?: KeyToPath[]; optional?: boolean };
      downwardAPI?: {
        items: Array<{
          path: string;
          fieldRef?: { fieldPath: string };
          mode?: number;
        }>;
      };
    }>;
  };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

export interface Workload extends KubeObject {
  kind: 'Deployment' | 'Job';
  spec: {
    replicas?: number;
    backoffLimit?: number;
    template: PodTemplate;
    selector?: { matchLabels?: Record<string, string> };
  };
}

export interface ServiceObject extends KubeObject {
  kind: 'Service';
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports: Array<{ name?: string; port: number; targetPort?: number | string }>;
  };
}

export interface DataObject extends KubeObject {
  kind: 'ConfigMap' | 'Secret';
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

export interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

export interface Rendered {
  overlay: string;
  namespace: string;
  objects: KubeObject[];
  of<T extends KubeObject>(kind: T['kind']): T[];
}

/** The repository's kustomize overlay directory. */
export function overlayDir(repoRoot: string, overlay: string): string {
  return path.join(repoRoot, 'deploy', 'k8s', 'overlays', overlay);
}

/** `kubectl kustomize <overlay>`, parsed: exactly what `kubectl apply -k` would send. */
export function renderOverlay(repoRoot: string, overlay: string): Rendered {
  const text = execFileSync(
    'kubectl',
    ['kustomize', overlayDir(repoRoot, overlay)],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const objects = parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0)
      throw new Error(`kubectl kustomize ${overlay}: ${doc.errors[0].message}`);
    return doc.toJS() as KubeObject;
  });
  const namespaces = new Set(
    objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n),
  );
  if (namespaces.size !== 1)
    throw new Error(
      `overlay ${overlay} spans ${namespaces.size} namespaces; this run handles exactly one`,
    );
  const [namespace] = [...namespaces];
  return {
    overlay,
    namespace,
    objects,
    of: <T extends KubeObject>(kind: T['kind']) =>
      objects.filter((o) => o.kind === kind) as T[],
  };
}

/** Whether every label of `selector` is on `labels` (matchLabels semantics). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
