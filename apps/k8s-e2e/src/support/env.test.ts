import { ContainerConfigError, containerEnv, expand } from './env';
import type { Container, DataObject } from './manifests';

describe('$(VAR) expansion, as the kubelet does it', () => {
  const vars: Record<string, string> = { A: 'x', EMPTY: '' };
  const lookup = (n: string) => vars[n];

  it.each([
    ['$(A)/keys', 'x/keys'],
    ['$(MISSING)/keys', '$(MISSING)/keys'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$x'],
    ['a$b', 'a$b'],
    ['$(A', '$(A'],
    ['$()', '$()'],
    ['[$(EMPTY)]', '[]'],
    ['trailing $', 'trailing $'],
  ])('%s → %s', (input, out) => expect(expand(input, lookup)).toBe(out));
});

describe('a container environment', () => {
  const objects: Record<string, DataObject> = {
    'ConfigMap/conn': {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'conn' },
      data: { VAULT_ADDR: 'http://vault:8200', 'not valid!': 'x' },
    },
    'Secret/keys': {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'keys' },
      data: { token: Buffer.from('s3cret').toString('base64') },
    },
  };
  const sources = {
    get: (kind: 'ConfigMap' | 'Secret', name: string) =>
      objects[`${kind}/${name}`],
    field: (p: string) => (p === 'metadata.namespace' ? 'ns' : undefined),
  };
  const c = (over: Partial<Container>): Container => ({
    name: 'c',
    image: 'i',
    ...over,
  });

  it('takes envFrom first, then env in order; a value sees only what is defined before it', () => {
    const env = containerEnv(
      c({
        envFrom: [{ configMapRef: { name: 'conn' } }],
        env: [
          { name: 'EARLY', value: '$(LATE)-$(VAULT_ADDR)' },
          { name: 'LATE', value: 'late' },
          { name: 'URL', value: '$(VAULT_ADDR)/v1/keys' },
          {
            name: 'TOKEN',
            valueFrom: { secretKeyRef: { name: 'keys', key: 'token' } },
          },
          {
            name: 'NS',
            valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
          },
          { name: 'VAULT_ADDR', value: 'override' },
        ],
      }),
      sources,
    );
    expect(env).toEqual({
      VAULT_ADDR: 'override',
      EARLY: '$(LATE)-http://vault:8200',
      LATE: 'late',
      URL: 'http://vault:8200/v1/keys',
      TOKEN: 's3cret',
      NS: 'ns',
    });
  });

  it('is a CreateContainerConfigError for a missing key or object, and leaves out a missing optional one', () => {
    expect(() =>
      containerEnv(
        c({
          env: [
            {
              name: 'T',
              valueFrom: { secretKeyRef: { name: 'keys', key: 'nope' } },
            },
          ],
        }),
        sources,
      ),
    ).toThrow(ContainerConfigError);
    expect(() =>
      containerEnv(
        c({ envFrom: [{ secretRef: { name: 'absent' } }] }),
        sources,
      ),
    ).toThrow(/secret "absent" not found/);
    expect(
      containerEnv(
        c({
          env: [
            {
              name: 'T',
              valueFrom: {
                secretKeyRef: { name: 'absent', key: 'k', optional: true },
              },
            },
          ],
        }),
        sources,
      ),
    ).toEqual({});
  });
});
