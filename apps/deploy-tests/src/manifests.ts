import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The repository root, found from this file so the suite runs from any working directory. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where CI keeps the upstream APISIX CRDs; outside the repo on purpose (never copied in). */
export const APISIX_CRD_DIR = path.resolve(
  REPO_ROOT,
  '..',
  'shared',
  'vendor',
  'apisix-crds',
);

export const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s');

// A deliberately loose shape: manifests are data under test, so every access is checked.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export type Manifest = Json & {
  apiVersion: string;
  kind: string;
  metadata: Json & { name: string };
};

/** Parses every document of a YAML stream, skipping empty ones. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null && typeof doc === 'object');
}

export function readYaml<T>(file: string): T {
  return parse(fs.readFileSync(file, 'utf8')) as T;
}

export interface KubectlStatus {
  available: boolean;
  reason: string;
}

/** Whether `kubectl kustomize` can run here; when it cannot, the reason is the skip message. */
export function kubectlStatus(): KubectlStatus {
  const result = spawnSync('kubectl', ['version', '--client'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.error)
    return {
      available: false,
      reason: `kubectl is not on the PATH (${result.error.message})`,
    };
  if (result.status !== 0)
    return {
      available: false,
      reason: `kubectl version failed: ${result.stderr.trim()}`,
    };
  return { available: true, reason: '' };
}

/** Runs `kubectl kustomize <dir>` (offline) and returns the rendered objects; throws with kustomize's message. */
export function kustomizeBuild(dir: string): Manifest[] {
  const result = spawnSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

interface KustomizationFile {
  resources?: string[];
}

/**
 * The plain resource files a kustomization lists, followed into sub-kustomizations, without
 * generators or patches: what can still be validated when kubectl is absent.
 */
export function rawResources(dir: string): Manifest[] {
  const file = ['kustomization.yaml', 'kustomization.yml']
    .map((name) => path.join(dir, name))
    .find(fs.existsSync);
  if (!file) throw new Error(`no kustomization file in ${dir}`);
  const kustomization = readYaml<KustomizationFile>(file);
  return (kustomization.resources ?? []).flatMap((entry) => {
    const target = path.resolve(dir, entry);
    if (fs.statSync(target).isDirectory()) return rawResources(target);
    return parseManifests(fs.readFileSync(target, 'utf8'));
  });
}

export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
] as const;

export function isWorkload(object: Manifest): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(object.kind);
}

/** The pod template of a workload (CronJob included). */
export function podTemplateOf(object: Manifest): Json | undefined {
  if (object.kind === 'CronJob')
    return object.spec?.jobTemplate?.spec?.template;
  if (isWorkload(object)) return object.spec?.template;
  return undefined;
}

export function podSpecOf(object: Manifest): Json | undefined {
  return podTemplateOf(object)?.spec;
}

export function workloadId(object: Manifest): string {
  return `${object.kind}/${object.metadata.name}`;
}

export interface ContainerRef {
  workload: Manifest;
  container: Json;
  isInit: boolean;
}

/** Every container and init container of every workload. */
export function containersOf(objects: Manifest[]): ContainerRef[] {
  return objects.filter(isWorkload).flatMap((workload) => {
    const spec: Json = podSpecOf(workload) ?? {};
    const init = ((spec.initContainers ?? []) as Manifest[]).map(
      (container: Json) => ({ workload, container, isInit: true }),
    );
    const main = ((spec.containers ?? []) as Manifest[]).map(
      (container: Json) => ({ workload, container, isInit: false }),
    );
    return [...init, ...main];
  });
}

export function findObject(
  objects: Manifest[],
  kind: string,
  name: string,
): Manifest {
  const found = objects.find(
    (object) => object.kind === kind && object.metadata.name === name,
  );
  if (!found)
    throw new Error(`${kind}/${name} is not in the rendered manifests`);
  return found;
}

/** The value a container's env sets for a variable, when it is a literal. */
export function envValue(container: Json, name: string): string | undefined {
  const entry = ((container.env ?? []) as Json[]).find(
    (item) => item.name === name,
  );
  return entry?.value as string | undefined;
}
