import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Json, Manifest } from './manifests';
import { REPO_ROOT, podSpecOf } from './manifests';

/**
 * The apisix-validate tool: APISIX 3.18's own loader and schemas (config_yaml.lua,
 * schema_def.lua, the plugins' check_schema) run by Debian's LuaJIT. It lives outside the
 * repository, in ../shared/tools/apisix-validate; APISIX_VALIDATE points elsewhere.
 */
export const VALIDATOR =
  process.env['APISIX_VALIDATE'] ??
  path.resolve(
    REPO_ROOT,
    '..',
    'shared',
    'tools',
    'apisix-validate',
    'validate',
  );

export interface ValidatorStatus {
  readonly available: boolean;
  readonly reason: string;
}

/** Whether the tool and LuaJIT are here; when not, the reason is the skip message. */
export function validatorStatus(): ValidatorStatus {
  if (!fs.existsSync(VALIDATOR)) {
    return {
      available: false,
      reason: `${VALIDATOR} is absent (the apisix-validate tool lives outside the repository)`,
    };
  }
  const luajit = spawnSync('luajit', ['-v'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (luajit.error || luajit.status !== 0) {
    return {
      available: false,
      reason: 'luajit is not installed (.ci/run installs it with apt-get)',
    };
  }
  return { available: true, reason: '' };
}

export interface ValidatorResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the tool on an apisix.yaml with a config.yaml and exactly the given variables. */
export function runValidator(
  apisixYaml: string,
  configYaml: string | undefined,
  env: Readonly<Record<string, string>>,
): ValidatorResult {
  const args = [apisixYaml, ...(configYaml ? ['--config', configYaml] : [])];
  for (const [name, value] of Object.entries(env))
    args.push('--env', `${name}=${value}`);
  const result = spawnSync(VALIDATOR, args, {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Stand-in for a value the operator creates (a Secret key): non-empty, never a real key. */
export const OPERATOR_SECRET_PLACEHOLDER = 'operator-made-secret-placeholder';

/** What the validator needs from one rendered overlay: the gateway's files and environment. */
export interface GatewayConfiguration {
  readonly dir: string;
  readonly apisixYaml: string;
  readonly configYaml: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Env values that came from an operator-made Secret or ConfigMap (placeholders). */
  readonly placeholders: readonly string[];
}

/**
 * Materialises the gateway of a rendered overlay: the ConfigMap volume holding apisix.yaml (and
 * config.yaml) into a temporary directory, and the apisix container's environment with
 * `value`, `configMapKeyRef` (from the rendered ConfigMaps) and `secretKeyRef` (operator-made:
 * a placeholder). A value pointing into a mounted volume (a CA file) is rewritten to the
 * temporary copy of that volume, since APISIX checks such files exist.
 */
export function gatewayConfiguration(
  objects: Manifest[],
  deploymentName = 'gateway',
  containerName = 'apisix',
): GatewayConfiguration {
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === deploymentName,
  );
  if (!deployment)
    throw new Error(`no Deployment/${deploymentName} in the rendered overlay`);
  const spec = podSpecOf(deployment) ?? {};
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === 'ConfigMap')
      .map((o) => [o.metadata.name, o]),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apisix-validate-'));
  const volumeDirs = new Map<string, string>();
  for (const volume of (spec.volumes ?? []) as Json[]) {
    const volumeDir = path.join(dir, 'volumes', volume.name as string);
    fs.mkdirSync(volumeDir, { recursive: true });
    volumeDirs.set(volume.name as string, volumeDir);
    const source = volume.configMap
      ? configMaps.get(volume.configMap.name as string)
      : undefined;
    for (const [key, value] of Object.entries(
      (source?.data ?? {}) as Record<string, string>,
    )) {
      fs.writeFileSync(path.join(volumeDir, key), value);
    }
  }
  const holder = [...volumeDirs.values()].find((volumeDir) =>
    fs.existsSync(path.join(volumeDir, 'apisix.yaml')),
  );
  if (!holder)
    throw new Error(
      `Deployment/${deploymentName} mounts no ConfigMap with apisix.yaml`,
    );

  const container = ((spec.containers ?? []) as Json[]).find(
    (c) => c.name === containerName,
  );
  if (!container)
    throw new Error(
      `Deployment/${deploymentName} has no container ${containerName}`,
    );
  const mounts = ((container.volumeMounts ?? []) as Json[]).map((m) => ({
    mountPath: m.mountPath as string,
    dir: volumeDirs.get(m.name as string) ?? '',
  }));
  const env: Record<string, string> = {};
  const placeholders: string[] = [];
  for (const entry of (container.env ?? []) as Json[]) {
    const name = entry.name as string;
    let value: string | undefined;
    if (entry.value !== undefined) value = String(entry.value);
    else if (entry.valueFrom?.configMapKeyRef) {
      const ref = entry.valueFrom.configMapKeyRef as Json;
      value = configMaps.get(ref.name as string)?.data?.[ref.key as string] as
        | string
        | undefined;
      if (value === undefined) {
        value = OPERATOR_SECRET_PLACEHOLDER;
        placeholders.push(name);
      }
    } else if (entry.valueFrom?.secretKeyRef) {
      value = OPERATOR_SECRET_PLACEHOLDER;
      placeholders.push(name);
    }
    if (value === undefined) continue;
    env[name] = mapIntoVolumes(value, mounts);
  }
  return {
    dir,
    apisixYaml: path.join(holder, 'apisix.yaml'),
    configYaml: fs.existsSync(path.join(holder, 'config.yaml'))
      ? path.join(holder, 'config.yaml')
      : undefined,
    env,
    placeholders,
  };
}

function mapIntoVolumes(
  value: string,
  mounts: readonly { mountPath: string; dir: string }[],
): string {
  const mount = mounts.find(
    (m) =>
      m.dir !== '' && value.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
  );
  if (!mount) return value;
  const local = path.join(
    mount.dir,
    value.slice(mount.mountPath.replace(/\/$/, '').length + 1),
  );
  // An operator-made ConfigMap/Secret (e.g. a CA bundle) is not in the render: a placeholder
  // file stands for it, since only its existence is checked when APISIX starts.
  if (!fs.existsSync(local)) {
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, '');
  }
  return local;
}
