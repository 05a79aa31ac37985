import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Json, Manifest } from './manifests';

/**
 * Runs a rendered container's shell command as a local process: every volumeMount's mountPath is
 * replaced by a temporary directory (one per volume name, shared between containers of the pod),
 * the environment is the container's own (literal values and ConfigMap keys resolved from the
 * rendered objects), and PATH starts with `binDir` where the test puts stand-in executables.
 */
export class PodSandbox {
  readonly root: string;
  private readonly volumeDirs = new Map<string, string>();

  constructor(
    private readonly objects: Manifest[],
    private readonly podSpec: Json,
  ) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-'));
  }

  /** The local directory standing in for a pod volume. */
  volumeDir(name: string): string {
    let dir = this.volumeDirs.get(name);
    if (!dir) {
      dir = path.join(this.root, 'volumes', name);
      fs.mkdirSync(dir, { recursive: true });
      this.volumeDirs.set(name, dir);
    }
    return dir;
  }

  /** Rewrites every mountPath of the container in `text` to its local directory (longest first). */
  mapPaths(container: Json, text: string): string {
    const mounts = ((container.volumeMounts ?? []) as Json[])
      .map((m) => ({
        from: m.mountPath as string,
        to: path.join(this.volumeDir(m.name as string), m.subPath ?? ''),
      }))
      .sort((a, b) => b.from.length - a.from.length);
    // The kubelet creates a subPath directory inside the volume when it is missing.
    for (const mount of mounts) fs.mkdirSync(mount.to, { recursive: true });
    if (mounts.length === 0) return text;
    const pattern = new RegExp(
      `(${mounts.map((m) => m.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=/|\\b|$)`,
      'g',
    );
    return text.replace(
      pattern,
      (found) => mounts.find((m) => m.from === found)?.to ?? found,
    );
  }

  /** The container's environment as the kubelet would set it (literals and ConfigMap keys). */
  envOf(container: Json): Record<string, string> {
    const env: Record<string, string> = {};
    for (const entry of (container.env ?? []) as Json[]) {
      const ref = entry.valueFrom?.configMapKeyRef as Json | undefined;
      if (ref) {
        const configMap = this.objects.find(
          (o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name,
        );
        const value = configMap?.data?.[ref.key as string] as
          | string
          | undefined;
        if (value === undefined)
          throw new Error(
            `ConfigMap ${ref.name as string} has no ${ref.key as string}`,
          );
        env[entry.name as string] = value;
      } else if (entry.valueFrom) {
        continue; // Secret and downward API references are filled in by the test when needed.
      } else {
        env[entry.name as string] = this.mapPaths(
          container,
          String(entry.value ?? '').replace(
            /\$\(([A-Z0-9_]+)\)/g,
            (all, name: string) => env[name] ?? all,
          ),
        );
      }
    }
    return env;
  }

  container(name: string): Json {
    const all = [
      ...((this.podSpec.initContainers ?? []) as Json[]),
      ...((this.podSpec.containers ?? []) as Json[]),
    ];
    const found = all.find((c) => c.name === name);
    if (!found) throw new Error(`the pod has no container ${name}`);
    return found;
  }

  /**
   * Runs `argv` (already the command + args the image would run) for a container, with its env,
   * `extraEnv` on top and `binDir` first on the PATH.
   */
  run(
    container: Json,
    argv: string[],
    options: {
      binDir?: string;
      extraEnv?: Record<string, string>;
      /** Applied after the mount paths are mapped, e.g. to point image programs at stand-ins. */
      rewrite?: (arg: string) => string;
    } = {},
  ): Promise<RunResult> {
    const rewrite = options.rewrite ?? ((arg: string) => arg);
    const [file, ...args] = argv.map((arg) =>
      rewrite(this.mapPaths(container, arg)),
    );
    // Asynchronous: the test's own fake servers answer from this process's event loop.
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        env: {
          PATH: [options.binDir, process.env.PATH].filter(Boolean).join(':'),
          ...this.envOf(container),
          ...options.extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('error', reject);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Writes an executable shell script into `dir`. */
export function writeScript(dir: string, name: string, body: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, {
    mode: 0o755,
  });
}
