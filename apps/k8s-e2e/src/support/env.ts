import type { Container, DataObject } from './manifests';

/**
 * Kubernetes' `$(VAR)` expansion, as the kubelet applies it to env values, command and args
 * (k8s.io/kubernetes third_party/forked/golang/expansion/expand.go, `Expand`): `$(NAME)` becomes
 * the value of NAME when NAME is defined, and stays as written otherwise; `$$` is an escaped `$`;
 * any other `$` (and an unterminated `$(`) is kept as is.
 */
export function expand(
  input: string,
  lookup: (name: string) => string | undefined,
): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name.length > 0 ? lookup(name) : undefined;
      out += value ?? input.slice(i, close + 1);
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

/** A valid environment variable name for envFrom (the API server's C-identifier-like rule, relaxed as in 1.26+). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvSources {
  /** A ConfigMap or Secret of the namespace, or undefined when it does not exist. */
  get(kind: 'ConfigMap' | 'Secret', name: string): DataObject | undefined;
  /** `fieldRef` values (metadata.name, metadata.namespace, status.podIP, ...). */
  field(path: string): string | undefined;
}

/** The decoded key/value pairs of a ConfigMap (data) or Secret (base64 data). */
export function dataOf(obj: DataObject): Record<string, string> {
  const data = obj.data ?? {};
  if (obj.kind === 'ConfigMap') return { ...data };
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
}

/** Thrown when the kubelet would refuse to start the container (CreateContainerConfigError). */
export class ContainerConfigError extends Error {}

/**
 * The container's environment exactly as the kubelet builds it (kubelet_pods.go
 * `makeEnvironmentVariables`): envFrom sources first, in order, without expansion; then `env` in
 * order, each value expanded against what is defined so far. A missing non-optional reference is
 * a CreateContainerConfigError; a missing optional one leaves the variable out.
 */
export function containerEnv(
  container: Container,
  sources: EnvSources,
  base: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...base };
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    if (!ref) continue;
    const obj = sources.get(kind, ref.name);
    if (!obj) {
      if (ref.optional) continue;
      throw new ContainerConfigError(
        `${kind.toLowerCase()} "${ref.name}" not found`,
      );
    }
    for (const [k, v] of Object.entries(dataOf(obj))) {
      const name = `${from.prefix ?? ''}${k}`;
      if (ENV_NAME.test(name)) env[name] = v;
    }
  }
  for (const v of container.env ?? []) {
    if (v.value !== undefined || !v.valueFrom) {
      env[v.name] = expand(v.value ?? '', (n) => env[n]);
      continue;
    }
    const value = fromSource(v.name, v.valueFrom, sources);
    if (value !== undefined) env[v.name] = value;
  }
  return env;
}

function fromSource(
  name: string,
  from: NonNullable<Container['env']>[number]['valueFrom'],
  sources: EnvSources,
): string | undefined {
  const keyRef = from?.configMapKeyRef ?? from?.secretKeyRef;
  if (keyRef) {
    const kind = from?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const obj = sources.get(kind, keyRef.name);
    const value = obj ? dataOf(obj)[keyRef.key] : undefined;
    if (value === undefined && !keyRef.optional) {
      throw new ContainerConfigError(
        obj
          ? `couldn't find key ${keyRef.key} in ${kind} ${keyRef.name}`
          : `${kind.toLowerCase()} "${keyRef.name}" not found`,
      );
    }
    return value;
  }
  if (from?.fieldRef) {
    const value = sources.field(from.fieldRef.fieldPath);
    if (value === undefined)
      throw new ContainerConfigError(
        `env ${name}: unsupported fieldRef ${from.fieldRef.fieldPath}`,
      );
    return value;
  }
  throw new ContainerConfigError(
    `env ${name}: resourceFieldRef is not supported by this run`,
  );
}

/** command and args with `$(VAR)` expanded against the final environment. */
export function expandArgv(
  values: string[] | undefined,
  env: Record<string, string>,
): string[] | undefined {
  return values?.map((v) => expand(v, (n) => env[n]));
}
