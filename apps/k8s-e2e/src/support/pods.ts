import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerConfigError, containerEnv, expandArgv } from './env';
import type { FakeApiServer } from './fake-apiserver';
import {
  containerArgv,
  imageConfig,
  imagePaths,
  launchFor,
  type Launch,
} from './images';
import type { Container, Rendered, Volume, Workload } from './manifests';
import type { Network } from './network';
import { delay, probeOnce, startProcess, tail, type Proc } from './processes';
import { VolumeNotReady, volumePayload, writeAtomically } from './volumes';

export interface PodContext {
  repoRoot: string;
  rendered: Rendered;
  api: FakeApiServer;
  network: Network;
  /** Where pods keep their volumes and logs. */
  baseDir: string;
  /** vault-dev arguments for a Vault the manifests run (none: plain HTTP like `vault server -dev`). */
  vaultDevArgs: string[];
  /** Everything started, so the run can stop it. */
  procs: Set<Proc>;
  /** Time the run has left (ms since epoch). */
  deadline: number;
  say(line: string): void;
}

/** A failure the kubelet or the Job controller would report, with the container's log tail. */
export class PodFailure extends Error {}

// The kubelet's back-off starts at 10 s and doubles up to 5 min (the Job controller's likewise);
// the run keeps the order and the counts but not the waiting.
const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 3200;
// A Deployment's crash-looping container is restarted this many times before the run gives up.
const MAX_RESTARTS = 5;

/** One pod of a workload: its volumes on disk and its containers as local processes. */
export class Pod {
  readonly name: string;
  readonly dir: string;
  private readonly volumeDirs = new Map<string, string>();
  private readonly spec: Workload['spec']['template']['spec'];
  readonly containerLogs = new Map<string, string>();
  readonly running = new Map<string, Proc>();
  readonly launches = new Map<string, Launch>();
  private readonly starts = new Map<string, number>();
  private readonly crashLoop = new Map<string, string>();
  private saToken: string | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: PodContext,
    readonly workload: Workload,
  ) {
    this.name = `${workload.metadata.name}-${crypto.randomBytes(3).toString('hex')}`;
    this.dir = fs.mkdtempSync(
      path.join(ctx.baseDir, `${workload.metadata.name}-`),
    );
    this.spec = workload.spec.template.spec;
    ctx.api.onChange((kind, name) => this.refresh(kind, name));
  }

  private field(p: string): string | undefined {
    const values: Record<string, string> = {
      'metadata.name': this.name,
      'metadata.namespace': this.ctx.rendered.namespace,
      'spec.serviceAccountName': this.spec.serviceAccountName ?? 'default',
      'status.podIP': '127.0.0.1',
      'status.hostIP': '127.0.0.1',
    };
    return values[p];
  }

  private sources() {
    return {
      get: (kind: 'ConfigMap' | 'Secret', name: string) =>
        this.ctx.api.get(kind, name),
      field: (p: string) => this.field(p),
      serviceAccountToken: () =>
        (this.saToken ??= this.ctx.api.tokenFor(
          this.spec.serviceAccountName ?? 'default',
        )),
    };
  }

  /** Sets up every volume, waiting (like ContainerCreating) while a Secret or ConfigMap or key is missing. */
  async setUpVolumes(): Promise<void> {
    for (const volume of this.spec.volumes ?? []) {
      const dir = path.join(this.dir, 'volumes', volume.name);
      if (volume.emptyDir) {
        fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
        this.volumeDirs.set(volume.name, dir);
        continue;
      }
      let last = '';
      for (;;) {
        try {
          this.write(volume, dir);
          break;
        } catch (err) {
          if (!(err instanceof VolumeNotReady)) throw err;
          if (err.message !== last)
            this.ctx.say(
              `${this.name}: waiting for volume ${volume.name}: ${err.message}`,
            );
          last = err.message;
          if (Date.now() > this.ctx.deadline || this.stopped)
            throw new PodFailure(
              `${this.name}: MountVolume.SetUp failed for volume "${volume.name}": ${err.message}`,
            );
          await delay(200);
        }
      }
      this.volumeDirs.set(volume.name, dir);
    }
  }

  private write(volume: Volume, dir: string): void {
    const payload = volumePayload(volume, this.sources());
    if (!payload)
      throw new Error(
        `${this.name}: volume ${volume.name} has a type this run does not support`,
      );
    if (volume.configMap) {
      for (const [rel, file] of payload) {
        const text = file.content.toString('utf8');
        payload.set(rel, {
          ...file,
          content: Buffer.from(
            this.ctx.network.rewriteText(
              text,
              `${this.name} configMap ${volume.configMap.name}/${rel}`,
            ),
          ),
        });
      }
    }
    writeAtomically(dir, payload);
  }

  /** The kubelet's periodic sync: a changed Secret or ConfigMap reaches the mounted files. */
  private refresh(kind: 'ConfigMap' | 'Secret', name: string): void {
    if (this.stopped) return;
    for (const volume of this.spec.volumes ?? []) {
      const dir = this.volumeDirs.get(volume.name);
      const refs = [
        volume.secret && kind === 'Secret' && volume.secret.secretName === name,
        volume.configMap &&
          kind === 'ConfigMap' &&
          volume.configMap.name === name,
        volume.projected?.sources.some(
          (s) =>
            (kind === 'Secret' ? s.secret?.name : s.configMap?.name) === name,
        ),
      ];
      if (!dir || !refs.some(Boolean)) continue;
      try {
        this.write(volume, dir);
      } catch (err) {
        this.ctx.say(
          `${this.name}: volume ${volume.name} not refreshed: ${(err as Error).message}`,
        );
      }
    }
  }

  /** In-container path → host path: mounts (longest first, subPath honoured), then image content. */
  private mounts(container: Container): Array<[string, string]> {
    const list: Array<[string, string]> = [];
    for (const m of container.volumeMounts ?? []) {
      const base = this.volumeDirs.get(m.name);
      if (!base)
        throw new PodFailure(
          `${this.name}/${container.name}: volumeMount ${m.name} has no volume`,
        );
      const host = m.subPath ? path.join(base, m.subPath) : base;
      fs.mkdirSync(host, { recursive: true });
      list.push([m.mountPath.replace(/\/+$/, ''), host]);
    }
    list.push(...imagePaths(container.image, this.ctx.repoRoot, this.dir));
    return list.sort((a, b) => b[0].length - a[0].length);
  }

  /** The process for a container, built as the kubelet and the runtime would build it. */
  launch(container: Container): Launch {
    const mounts = this.mounts(container);
    // One pass over every mount (longest first), so a host path already substituted is never mapped again.
    const byPath = new Map(mounts);
    const re = new RegExp(
      `(^|[^A-Za-z0-9._/-])(${mounts.map(([m]) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=$|[^A-Za-z0-9._-])`,
      'g',
    );
    const mapPaths = (s: string) =>
      mounts.length === 0
        ? s
        : s.replace(
            re,
            (_all, pre: string, from: string) =>
              `${pre}${byPath.get(from) as string}`,
          );
    const image = imageConfig(container.image, this.ctx.repoRoot);
    const kubelet = {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(this.ctx.api.port),
      KUBERNETES_SERVICE_PORT_HTTPS: String(this.ctx.api.port),
      KUBERNETES_PORT: `tcp://127.0.0.1:${this.ctx.api.port}`,
    };
    const env = containerEnv(container, this.sources(), kubelet);
    const argv = containerArgv(
      image,
      expandArgv(container.command, env),
      expandArgv(container.args, env),
    );
    const wl = this.workload.metadata.name;
    const merged = this.ctx.network.rewriteEnv(
      { ...image.env, ...env },
      wl,
      container,
    );
    const finalEnv: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOSTNAME: this.name,
    };
    for (const [k, v] of Object.entries(merged)) finalEnv[k] = mapPaths(v);
    const cwd = mapPaths(container.workingDir ?? image.workdir);
    return launchFor({
      repoRoot: this.ctx.repoRoot,
      workload: wl,
      container,
      argv: argv.map((a) =>
        mapPaths(
          this.ctx.network.rewriteText(a, `${wl}/${container.name} argv`),
        ),
      ),
      env: finalEnv,
      cwd: fs.existsSync(cwd) ? cwd : this.dir,
      hostPath: (p) => mapPaths(p),
      localPort: (port) => this.ctx.network.localPort(wl, container.name, port),
      podDir: this.dir,
      apiServerUrl: this.ctx.api.url,
      vaultDevArgs: this.ctx.vaultDevArgs,
    });
  }

  /** Starts a container (waiting while its configuration cannot be built: CreateContainerConfigError). */
  async start(container: Container): Promise<Proc> {
    let launch: Launch;
    for (;;) {
      try {
        launch = this.launch(container);
        break;
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        if (Date.now() > this.ctx.deadline)
          throw new PodFailure(
            `${this.name}/${container.name}: CreateContainerConfigError: ${err.message}`,
          );
        await delay(200);
      }
    }
    this.launches.set(container.name, launch);
    // One log per container start, like `kubectl logs` (and `--previous`) per restart.
    const n = (this.starts.get(container.name) ?? 0) + 1;
    this.starts.set(container.name, n);
    const logFile = path.join(this.dir, `${container.name}.${n}.log`);
    this.containerLogs.set(container.name, logFile);
    const proc = startProcess(launch.file, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      logFile,
    });
    this.ctx.procs.add(proc);
    this.running.set(container.name, proc);
    return proc;
  }

  /** Runs a container to completion, restarting it on failure; resolves with the failures it took. */
  async runToCompletion(
    container: Container,
    failuresLeft: () => number,
    onFailure: () => void,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const proc = await this.start(container);
      const code = await proc.exited;
      this.ctx.procs.delete(proc);
      if (code === 0) return;
      onFailure();
      this.ctx.say(
        `${this.name}/${container.name} exited ${code}:\n${indent(tail(proc.logFile, 3))}`,
      );
      if (failuresLeft() < 0 || this.stopped) {
        throw new PodFailure(
          `${this.name}/${container.name} failed (exit ${code}) and the Job's backoffLimit is reached; its last output:\n${indent(tail(proc.logFile, 12))}`,
        );
      }
      if (Date.now() > this.ctx.deadline)
        throw new PodFailure(
          `${this.name}/${container.name} still failing at the deadline:\n${indent(tail(proc.logFile, 12))}`,
        );
      await delay(Math.min(BACKOFF_START_MS * 2 ** attempt, BACKOFF_MAX_MS));
    }
  }

  /** A long-running container with restartPolicy Always: restarted when it exits, a bounded number of times. */
  keepRunning(container: Container): void {
    const loop = async () => {
      for (let restarts = 0; !this.stopped; restarts++) {
        const proc = await this.start(container);
        const code = await proc.exited;
        this.ctx.procs.delete(proc);
        if (this.stopped) return;
        this.ctx.say(
          `${this.name}/${container.name} exited ${code} (restart ${restarts + 1}):\n${indent(tail(proc.logFile, 6))}`,
        );
        if (restarts + 1 >= MAX_RESTARTS || Date.now() > this.ctx.deadline) {
          this.crashLoop.set(
            container.name,
            `${this.name}/${container.name} keeps exiting (CrashLoopBackOff, ${restarts + 1} starts); its last output:\n${indent(tail(proc.logFile, 12))}`,
          );
          return;
        }
        await delay(Math.min(BACKOFF_START_MS * 2 ** restarts, BACKOFF_MAX_MS));
      }
    };
    void loop().catch((err: Error) =>
      this.ctx.say(`${this.name}/${container.name}: ${err.message}`),
    );
  }

  /** Polls the container's readinessProbe (or the stand-in's replacement) until it succeeds. */
  async waitReady(container: Container): Promise<void> {
    const launch = this.launches.get(container.name);
    const override = launch?.probeOverride;
    const probe = override?.probe ?? container.readinessProbe;
    const get = probe?.httpGet;
    if (!get) return;
    if (override)
      this.ctx.say(`${this.name}/${container.name}: ${override.why}`);
    const port =
      override?.port ??
      this.ctx.network.probePort(
        this.workload.metadata.name,
        container,
        get.port,
      );
    const url = `${(get.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${port}${get.path ?? '/'}`;
    for (;;) {
      if (await probeOnce(url, { anyStatus: override?.anyStatus })) return;
      const crashed = this.crashLoop.get(container.name);
      if (crashed) throw new PodFailure(crashed);
      const proc = this.running.get(container.name);
      if (Date.now() > this.ctx.deadline) {
        throw new PodFailure(
          `${this.name}/${container.name} not ready at ${get.path} (port ${get.port} → ${url}) by the deadline; its log:\n${indent(tail(proc?.logFile ?? '', 15))}`,
        );
      }
      await delay(250);
    }
  }

  stopAll(): void {
    this.stopped = true;
  }
}

export function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
