import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataOf } from './env';
import type { DataObject, KeyToPath, Volume } from './manifests';

/** The files of one volume: relative path → content and mode. */
export type Payload = Map<string, { content: Buffer; mode: number }>;

export interface VolumeSources {
  get(kind: 'ConfigMap' | 'Secret', name: string): DataObject | undefined;
  field(fieldPath: string): string | undefined;
  /** A token for the pod's ServiceAccount (projected serviceAccountToken). */
  serviceAccountToken(): string;
}

/** The volume cannot be set up yet (the kubelet retries: the pod stays in ContainerCreating). */
export class VolumeNotReady extends Error {}

/**
 * What the kubelet would write into a ConfigMap, Secret or projected volume: every key, or only
 * the listed `items` (a missing listed key is an error unless the source is optional), each with
 * its item mode or the volume's defaultMode (0644 when unset).
 */
export function volumePayload(
  volume: Volume,
  sources: VolumeSources,
): Payload | undefined {
  const payload: Payload = new Map();
  const fromData = (
    kind: 'ConfigMap' | 'Secret',
    name: string,
    items: KeyToPath[] | undefined,
    optional: boolean | undefined,
    defaultMode: number,
  ) => {
    const obj = sources.get(kind, name);
    if (!obj) {
      if (optional) return;
      throw new VolumeNotReady(`${kind.toLowerCase()} "${name}" not found`);
    }
    const data =
      kind === 'Secret'
        ? rawSecretData(obj)
        : Object.fromEntries(
            Object.entries(dataOf(obj)).map(([k, v]) => [
              k,
              Buffer.from(v, 'utf8'),
            ]),
          );
    if (!items || items.length === 0) {
      for (const [k, v] of Object.entries(data))
        payload.set(k, { content: v, mode: defaultMode });
      return;
    }
    for (const item of items) {
      const content = data[item.key];
      if (content === undefined) {
        if (optional) continue;
        throw new VolumeNotReady(
          `configmap/secret "${name}": references non-existent ${kind.toLowerCase()} key: ${item.key}`,
        );
      }
      payload.set(item.path, { content, mode: item.mode ?? defaultMode });
    }
  };
  if (volume.secret) {
    fromData(
      'Secret',
      volume.secret.secretName,
      volume.secret.items,
      volume.secret.optional,
      volume.secret.defaultMode ?? 0o644,
    );
  } else if (volume.configMap) {
    fromData(
      'ConfigMap',
      volume.configMap.name,
      volume.configMap.items,
      volume.configMap.optional,
      volume.configMap.defaultMode ?? 0o644,
    );
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const source of volume.projected.sources) {
      if (source.configMap)
        fromData(
          'ConfigMap',
          source.configMap.name,
          source.configMap.items,
          source.configMap.optional,
          mode,
        );
      if (source.secret)
        fromData(
          'Secret',
          source.secret.name,
          source.secret.items,
          source.secret.optional,
          mode,
        );
      if (source.serviceAccountToken)
        payload.set(source.serviceAccountToken.path, {
          content: Buffer.from(sources.serviceAccountToken()),
          mode,
        });
      for (const item of source.downwardAPI?.items ?? []) {
        const value = item.fieldRef
          ? sources.field(item.fieldRef.fieldPath)
          : undefined;
        if (value === undefined)
          throw new Error(`downwardAPI item ${item.path}: unsupported field`);
        payload.set(item.path, {
          content: Buffer.from(value),
          mode: item.mode ?? mode,
        });
      }
    }
  } else {
    return undefined;
  }
  return payload;
}

function rawSecretData(obj: DataObject): Record<string, Buffer> {
  return Object.fromEntries(
    Object.entries(obj.data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64'),
    ]),
  );
}

let generation = 0;

/**
 * Writes `payload` into `dir` the way the kubelet's AtomicWriter does
 * (pkg/volume/util/atomic_writer.go): the files go into a fresh `..<timestamp>` directory, the
 * `..data` symlink is swapped to it with one rename, and each top-level name is a symlink through
 * `..data`. A reader therefore sees either the old or the new set of files, never a mix.
 */
export function writeAtomically(dir: string, payload: Payload): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const stamp = `..${new Date().toISOString().replace(/[-:]/g, '_')}.${process.pid}_${++generation}`;
  const tsDir = path.join(dir, stamp);
  fs.mkdirSync(tsDir, { mode: 0o755 });
  for (const [rel, file] of payload) {
    const target = path.join(tsDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.writeFileSync(target, file.content);
    fs.chmodSync(target, file.mode);
  }
  const dataLink = path.join(dir, '..data');
  const previous = fs.existsSync(dataLink)
    ? fs.readlinkSync(dataLink)
    : undefined;
  const tmpLink = path.join(dir, '..data_tmp');
  fs.rmSync(tmpLink, { force: true });
  fs.symlinkSync(stamp, tmpLink);
  fs.renameSync(tmpLink, dataLink);
  const wanted = new Set([...payload.keys()].map((rel) => rel.split('/')[0]));
  for (const name of wanted) {
    const link = path.join(dir, name);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join('..data', name), link);
  }
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('..') && !wanted.has(name))
      fs.rmSync(path.join(dir, name), { force: true });
  }
  if (previous)
    fs.rmSync(path.join(dir, previous), { recursive: true, force: true });
}
