import type { Manifest } from './manifests';
import { hostAccessViolations, unknownFieldViolations } from './fields';

function job(podSpec: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    spec: { template: { spec: podSpec } },
  };
}

describe('the unknown-field check', () => {
  it('accepts correctly spelt fields', () => {
    const pod = job({
      securityContext: { runAsNonRoot: true },
      containers: [
        {
          name: 'c',
          image: 'i:1',
          securityContext: { readOnlyRootFilesystem: true },
        },
      ],
    });
    expect(unknownFieldViolations([pod])).toEqual([]);
  });

  it('reports misspelt fields that schema validation lets through', () => {
    const pod = job({
      automountServiceAcountToken: false,
      containers: [
        {
          name: 'c',
          readinesProbe: {},
          securityContext: { readOnlyRootFileSystem: true },
        },
      ],
    });
    expect(unknownFieldViolations([pod])).toEqual([
      'Job/j pod spec: unknown field "automountServiceAcountToken"',
      'Job/j container c: unknown field "readinesProbe"',
      'Job/j container c securityContext: unknown field "readOnlyRootFileSystem"',
    ]);
  });
});

describe('the host access check', () => {
  it('reports host namespaces and hostPath volumes', () => {
    const pod = job({
      hostNetwork: true,
      hostPID: false,
      volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }],
      containers: [],
    });
    expect(hostAccessViolations([pod])).toEqual([
      'Job/j sets hostNetwork',
      'Job/j mounts hostPath volume docker',
    ]);
  });
});
