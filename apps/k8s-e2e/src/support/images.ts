import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Container, Probe } from './manifests';
import { writeInClusterKubeconfig } from './kubeconfig';
import { which } from './which';

/** What the final stage of a Dockerfile gives a container: ENTRYPOINT, CMD, WORKDIR, ENV. */
export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  workdir: string;
  env: Record<string, string>;
}

/**
 * Reads the last stage of a Dockerfile (exec-form ENTRYPOINT/CMD only, as ours are written), with
 * the stage's ARGs (build arguments, else their defaults) substituted in ENV and WORKDIR.
 */
export function parseDockerfile(
  text: string,
  buildArgs: Record<string, string> = {},
): ImageConfig {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim());
  const lastFrom =
    lines
      .map((l, i) => (/^FROM\s/i.test(l) ? i : -1))
      .filter((i) => i >= 0)
      .pop() ?? 0;
  const config: ImageConfig = {
    entrypoint: [],
    cmd: [],
    workdir: '/',
    env: {},
  };
  const args: Record<string, string> = {};
  const sub = (v: string) =>
    v.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_m, a: string | undefined, b: string | undefined) =>
        args[a ?? b ?? ''] ?? config.env[a ?? b ?? ''] ?? '',
    );
  for (const line of lines.slice(lastFrom)) {
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(line);
    if (arg) args[arg[1]] = buildArgs[arg[1]] ?? arg[2] ?? '';
    const m = /^(ENTRYPOINT|CMD|WORKDIR|ENV)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const [, instr, rest] = m;
    switch (instr.toUpperCase()) {
      case 'ENTRYPOINT':
      case 'CMD': {
        if (!rest.startsWith('['))
          throw new Error(`${instr} ${rest}: only the exec form is supported`);
        const argv = JSON.parse(rest) as string[];
        if (instr.toUpperCase() === 'ENTRYPOINT') {
          config.entrypoint = argv;
          config.cmd = [];
        } else config.cmd = argv;
        break;
      }
      case 'WORKDIR':
        config.workdir = path.posix.resolve(config.workdir, sub(rest));
        break;
      default:
        for (const pair of rest.match(
          /[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g,
        ) ?? []) {
          const i = pair.indexOf('=');
          config.env[pair.slice(0, i)] = sub(
            pair.slice(i + 1).replace(/^"(.*)"$/, '$1'),
          );
        }
    }
  }
  return config;
}

/**
 * The container's process as the runtime starts it: `command` replaces ENTRYPOINT, `args`
 * replaces CMD, and a `command` without `args` drops CMD (the Kubernetes rule, "Define a Command
 * and Arguments for a Container", notes table).
 */
export function containerArgv(
  image: ImageConfig,
  command: string[] | undefined,
  args: string[] | undefined,
): string[] {
  if (command) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args ?? image.cmd)];
}

/** One process to start for a container: what runs, where, with which environment. */
export interface Launch {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** A readiness probe in place of the manifest's, when the stand-in cannot serve the original (said why). */
  probeOverride?: {
    probe: Probe;
    port: number;
    why: string;
    anyStatus: boolean;
  };
}

export interface LaunchContext {
  repoRoot: string;
  workload: string;
  container: Container;
  /** argv after `$(VAR)` expansion and path mapping. */
  argv: string[];
  /** The container's environment after `$(VAR)` expansion, address rewriting and path mapping. */
  env: Record<string, string>;
  cwd: string;
  /** Maps an in-container path to its host path (volumes, image content). */
  hostPath(p: string): string;
  localPort(containerPort: number): number;
  /** A directory of the pod for helper files (kubeconfig, the vault CLI stand-in). */
  podDir: string;
  /** Where the API server is, for containers with a ServiceAccount token volume. */
  apiServerUrl: string;
  /** Extra arguments for vault-dev (TLS material of the operator's Vault). */
  vaultDevArgs: string[];
}

const NODE = process.execPath;

/** Our images, whatever registry the overlay pulls them from: `[registry/]secret-flows/<app>:<tag>[@digest]`. */
const OUR_IMAGE =
  /^(?:[^/]+\/)*secret-flows\/([a-z][a-z0-9-]*)(?::([\w.-]+))?(?:@sha256:[0-9a-f]{64})?$/;
const isOurs = (image: string) => OUR_IMAGE.test(image);

/** The image's own content this run stands in for: our images carry the repository at /app. */
export function imagePaths(
  image: string,
  repoRoot: string,
  podDir: string,
): Array<[string, string]> {
  if (isOurs(image)) return [['/app', repoRoot]];
  if (image.startsWith('apache/apisix:')) {
    const root = path.join(podDir, 'image-usr-local-apisix');
    fs.mkdirSync(path.join(root, 'conf'), { recursive: true });
    fs.mkdirSync(path.join(podDir, 'image-bin'), { recursive: true });
    return [
      ['/usr/local/apisix', root],
      ['/usr/bin/apisix', path.join(podDir, 'image-bin', 'apisix')],
      [
        '/usr/local/openresty/bin/openresty',
        path.join(podDir, 'image-bin', 'openresty'),
      ],
    ];
  }
  return [];
}

/** The image's configuration (ENTRYPOINT, CMD, WORKDIR, ENV). */
export function imageConfig(image: string, repoRoot: string): ImageConfig {
  const ours = OUR_IMAGE.exec(image);
  if (ours) {
    // One Dockerfile per app, or the repository's one Dockerfile built with --build-arg APP=<app>.
    const candidates = [
      path.join(repoRoot, 'apps', ours[1], 'Dockerfile'),
      path.join(repoRoot, 'Dockerfile'),
    ];
    const dockerfile = candidates.find((f) => fs.existsSync(f));
    if (!dockerfile)
      throw new Error(
        `image ${image}: no apps/${ours[1]}/Dockerfile nor Dockerfile`,
      );
    return parseDockerfile(fs.readFileSync(dockerfile, 'utf8'), {
      APP: ours[1],
    });
  }
  // Third-party images: their documented entrypoints (the run replaces the servers below).
  if (/^rancher\/kubectl:/.test(image))
    return { entrypoint: ['kubectl'], cmd: [], workdir: '/', env: {} };
  if (/^hashicorp\/vault:/.test(image))
    return {
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['server', '-dev'],
      workdir: '/',
      env: {},
    };
  if (/^apache\/apisix:/.test(image))
    return {
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['docker-start'],
      workdir: '/usr/local/apisix',
      env: {},
    };
  throw new Error(`image ${image}: this run does not know how to start it`);
}

/** The local process for a container (see the README: which images run as themselves and which by a stand-in). */
export function launchFor(ctx: LaunchContext): Launch {
  const image = ctx.container.image;
  const [cmd, ...rest] = ctx.argv;
  if (isOurs(image)) {
    if (cmd !== 'node')
      throw new Error(
        `${ctx.workload}/${ctx.container.name}: expected node, got ${cmd}`,
      );
    return { file: NODE, args: rest, cwd: ctx.cwd, env: ctx.env };
  }
  if (/^rancher\/kubectl:/.test(image)) {
    const kubectl = which('kubectl');
    if (!kubectl) throw new Error('kubectl is not installed');
    if (cmd !== 'kubectl')
      throw new Error(
        `${ctx.workload}/${ctx.container.name}: expected kubectl, got ${cmd}`,
      );
    return {
      file: kubectl,
      args: rest,
      cwd: ctx.cwd,
      env: { ...ctx.env, ...inClusterKubeconfig(ctx) },
    };
  }
  if (/^hashicorp\/vault:/.test(image)) {
    if (ctx.container.command)
      return shell(ctx, {
        PATH: `${vaultCliDir(ctx.podDir)}:${ctx.env['PATH'] ?? ''}`,
      });
    return vaultDev(ctx, rest);
  }
  if (/^apache\/apisix:/.test(image)) {
    if (
      /\bapisix init\b/.test(ctx.argv.join(' ')) &&
      /openresty/.test(ctx.argv.join(' '))
    )
      return gatewayDev(ctx);
    return shell(ctx, {});
  }
  throw new Error(`image ${image}: this run does not know how to start it`);
}

function shell(ctx: LaunchContext, extraEnv: Record<string, string>): Launch {
  const [cmd, ...rest] = ctx.argv;
  if (cmd !== 'sh' && cmd !== '/bin/sh')
    throw new Error(
      `${ctx.workload}/${ctx.container.name}: only sh commands run for ${ctx.container.image}, got ${cmd}`,
    );
  return {
    file: which('sh') || '/bin/sh',
    args: rest,
    cwd: ctx.cwd,
    env: { ...ctx.env, ...extraEnv },
  };
}

/** A `vault` on PATH: the CLI stand-in (support/vault-cli.cjs) run by this node. */
function vaultCliDir(podDir: string): string {
  const dir = path.join(podDir, 'vault-cli-bin');
  fs.mkdirSync(dir, { recursive: true });
  const script = path.join(__dirname, 'vault-cli.cjs');
  fs.writeFileSync(
    path.join(dir, 'vault'),
    `#!/bin/sh\nexec '${NODE}' '${script}' "$@"\n`,
    { mode: 0o755 },
  );
  return dir;
}

function inClusterKubeconfig(ctx: LaunchContext): Record<string, string> {
  const saDir = ctx.hostPath('/var/run/secrets/kubernetes.io/serviceaccount');
  if (!fs.existsSync(path.join(saDir, 'token'))) return {};
  return {
    KUBECONFIG: writeInClusterKubeconfig(
      path.join(ctx.podDir, `kubeconfig-${ctx.container.name}`),
      ctx.apiServerUrl,
      saDir,
    ),
  };
}

/** `vault server -dev ...` → vault-dev with the same listener, root token and api_addr. */
function vaultDev(ctx: LaunchContext, argv: string[]): Launch {
  if (argv[0] !== 'server' || !argv.includes('-dev'))
    throw new Error(
      `${ctx.workload}: vault ${argv.join(' ')}: only "server -dev" runs (as vault-dev)`,
    );
  const env: Record<string, string> = { ...ctx.env };
  const args: string[] = [...ctx.vaultDevArgs];
  for (const a of argv.slice(1)) {
    const m = /^-+([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m)
      throw new Error(`${ctx.workload}: vault argument ${a} not understood`);
    const [, flag, value] = m;
    if (flag === 'dev' || flag === 'dev-no-store-token') continue; // vault-dev never writes ~/.vault-token
    if (flag === 'dev-listen-address' && value) {
      const port = Number(value.slice(value.lastIndexOf(':') + 1));
      env['VAULT_DEV_LISTEN_ADDRESS'] = `127.0.0.1:${ctx.localPort(port)}`;
    } else if (flag === 'dev-root-token-id' && value)
      env['VAULT_DEV_ROOT_TOKEN_ID'] = value;
    else args.push(a);
  }
  return {
    file: NODE,
    args: [path.join(ctx.repoRoot, 'apps/vault-dev/dist/main.js'), ...args],
    cwd: ctx.cwd,
    env,
  };
}

/**
 * The gateway container's own shell script runs as written (its checks, the stale-socket clean-up);
 * only the two APISIX binaries it calls are stand-ins: `/usr/bin/apisix init` (which in the image
 * renders nginx.conf from config.yaml: nothing to do for gateway-dev) and `openresty`, which starts
 * gateway-dev on the same conf directory: apisix.yaml for the routes, config.yaml for the listen
 * port (apisix.node_listen) and the variables nginx passes to its workers (nginx_config.envs:
 * nginx clears every other variable, "env" directive of nginx core), which are the only ones
 * `${{VAR}}` can see.
 */
function gatewayDev(ctx: LaunchContext): Launch {
  const conf = ctx.hostPath('/usr/local/apisix/conf');
  const config = parseYaml(
    fs.readFileSync(path.join(conf, 'config.yaml'), 'utf8'),
  ) as {
    deployment?: {
      role?: string;
      role_data_plane?: { config_provider?: string };
    };
    apisix?: {
      node_listen?: number | Array<number | { port: number }>;
      status?: { port?: number };
    };
    nginx_config?: { envs?: string[] };
  };
  if (config.deployment?.role_data_plane?.config_provider !== 'yaml')
    throw new Error(
      `${ctx.workload}: config.yaml is not standalone (config_provider: yaml); gateway-dev cannot stand in`,
    );
  const listen = config.apisix?.node_listen;
  const port =
    typeof listen === 'number'
      ? listen
      : Array.isArray(listen)
        ? typeof listen[0] === 'number'
          ? listen[0]
          : listen[0]?.port
        : 9080;
  if (port === undefined)
    throw new Error(
      `${ctx.workload}: config.yaml has no usable apisix.node_listen`,
    );
  const passed = new Set([
    ...(config.nginx_config?.envs ?? []).map((e) => e.split('=')[0]),
    'TZ',
  ]);
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(ctx.env).filter(([k]) => passed.has(k)),
  );
  Object.assign(env, {
    PATH: ctx.env['PATH'] ?? '',
    HOME: ctx.env['HOME'] ?? ctx.cwd,
    HOST: '127.0.0.1',
    PORT: String(ctx.localPort(port)),
    GATEWAY_CONFIG: path.join(conf, 'apisix.yaml'),
  });
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const assignments = Object.entries(env)
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ');
  fs.writeFileSync(
    ctx.hostPath('/usr/local/openresty/bin/openresty'),
    `#!/bin/sh\n# openresty stand-in: gateway-dev with the variables nginx would pass to its workers\nexec env -i ${assignments} ${q(NODE)} ${q(path.join(ctx.repoRoot, 'apps/gateway-dev/dist/main.js'))}\n`,
    { mode: 0o700 },
  );
  fs.writeFileSync(
    ctx.hostPath('/usr/bin/apisix'),
    `#!/bin/sh\n# apisix stand-in: "init" renders nginx.conf in the image; gateway-dev needs none\n[ "$1" = init ] && exit 0\necho "apisix stand-in: only init is supported, got: $*" >&2\nexit 1\n`,
    { mode: 0o700 },
  );
  const statusPort = config.apisix?.status?.port;
  const probe = ctx.container.readinessProbe?.httpGet;
  const probeOverride =
    probe && statusPort !== undefined
      ? {
          probe: { httpGet: { path: '/', port } },
          port: ctx.localPort(port),
          anyStatus: true,
          why: `gateway-dev has no status API (APISIX's ${probe.path ?? '/'} on port ${statusPort}); the run waits until its HTTP port answers (any status) instead`,
        }
      : undefined;
  return { ...shell(ctx, {}), ...(probeOverride ? { probeOverride } : {}) };
}
