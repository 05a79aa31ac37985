import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataObject } from './manifests';
import { VolumeNotReady, volumePayload, writeAtomically } from './volumes';

describe('Secret and ConfigMap volumes, as the kubelet writes them', () => {
  let dir: string;
  const objects = new Map<string, DataObject>();
  const sources = {
    get: (kind: 'ConfigMap' | 'Secret', name: string) =>
      objects.get(`${kind}/${name}`),
    field: () => 'ns',
    serviceAccountToken: () => 'tok',
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-k8s-vol-'));
    objects.clear();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes only the listed items with their modes, through the ..data symlink', () => {
    objects.set('Secret/approle', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'approle' },
      data: { role_id: b64('r'), secret_id: b64('s'), extra: b64('e') },
    });
    const payload = volumePayload(
      {
        name: 'v',
        secret: {
          secretName: 'approle',
          defaultMode: 0o400,
          items: [
            { key: 'role_id', path: 'role_id' },
            { key: 'secret_id', path: 'secret_id', mode: 0o440 },
          ],
        },
      },
      sources,
    );
    writeAtomically(dir, payload as NonNullable<typeof payload>);
    expect(
      fs
        .readdirSync(dir)
        .filter((n) => !n.startsWith('..'))
        .sort(),
    ).toEqual(['role_id', 'secret_id']);
    expect(fs.readlinkSync(path.join(dir, 'role_id'))).toBe('..data/role_id');
    expect(fs.readFileSync(path.join(dir, 'secret_id'), 'utf8')).toBe('s');
    expect(fs.statSync(path.join(dir, 'role_id')).mode & 0o777).toBe(0o400);
    expect(fs.statSync(path.join(dir, 'secret_id')).mode & 0o777).toBe(0o440);
  });

  it('is not ready while a listed key is missing, and swaps to the new content in one step', () => {
    objects.set('Secret/approle', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'approle' },
    });
    const volume = {
      name: 'v',
      secret: {
        secretName: 'approle',
        items: [{ key: 'role_id', path: 'role_id' }],
      },
    };
    expect(() => volumePayload(volume, sources)).toThrow(VolumeNotReady);
    objects.set('Secret/approle', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'approle' },
      data: { role_id: b64('one') },
    });
    writeAtomically(
      dir,
      volumePayload(volume, sources) as NonNullable<
        ReturnType<typeof volumePayload>
      >,
    );
    const first = fs.readlinkSync(path.join(dir, '..data'));
    objects.set('Secret/approle', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'approle' },
      data: { role_id: b64('two') },
    });
    writeAtomically(
      dir,
      volumePayload(volume, sources) as NonNullable<
        ReturnType<typeof volumePayload>
      >,
    );
    expect(fs.readlinkSync(path.join(dir, '..data'))).not.toBe(first);
    expect(fs.existsSync(path.join(dir, first))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'role_id'), 'utf8')).toBe('two');
  });

  it('projects a ServiceAccount token, a ConfigMap item and the namespace into one volume', () => {
    objects.set('ConfigMap/kube-root-ca.crt', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt' },
      data: { 'ca.crt': 'PEM' },
    });
    const payload = volumePayload(
      {
        name: 'sa',
        projected: {
          defaultMode: 0o400,
          sources: [
            { serviceAccountToken: { path: 'token' } },
            {
              configMap: {
                name: 'kube-root-ca.crt',
                items: [{ key: 'ca.crt', path: 'ca.crt' }],
              },
            },
            {
              downwardAPI: {
                items: [
                  {
                    path: 'namespace',
                    fieldRef: { fieldPath: 'metadata.namespace' },
                  },
                ],
              },
            },
          ],
        },
      },
      sources,
    );
    expect(
      Object.fromEntries(
        [...(payload ?? new Map())].map(([k, v]) => [
          k,
          [v.content.toString(), v.mode],
        ]),
      ),
    ).toEqual({
      token: ['tok', 0o400],
      'ca.crt': ['PEM', 0o400],
      namespace: ['ns', 0o400],
    });
  });
});
