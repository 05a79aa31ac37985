import * as fs from 'node:fs';
import * as path from 'node:path';
import { PodSandbox } from './container-run';
import { kubeconfigFor, startFakeApiServer } from './fake-apiserver';
import type { Json, Manifest } from './manifests';
import { K8S_DIR, podSpecOf } from './manifests';
import { appNameOf } from './policy';
import { itWithKubectl, render } from './rendered';

// The scheduled secret_id rotation (components/approle-issuer/rotation-cronjob.yaml), run as the
// kubelet would: init `issue` (vault CLI stand-in with state), init `deliver` (the real kubectl
// against an API server enforcing the rendered Role), then `retire`. Every Vault call must be
// allowed by approle-issuer.hcl, the token's policy outside dev.

const FAKE_VAULT = path.join(__dirname, 'fixtures', 'fake-vault-cli.cjs');

interface VaultState {
  roleId: string;
  counter: number;
  secretIds: { accessor: string; secretId: string; created: string }[];
  calls: { op: string; path: string }[];
}

/** path -> capabilities of an HCL policy (the simple form our policies use). */
function policyPaths(hcl: string): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const match of hcl.matchAll(
    /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]/g,
  ))
    paths.set(
      match[1],
      [...match[2].matchAll(/"([a-z]+)"/g)].map((m) => m[1]),
    );
  return paths;
}

function rotationOf(objects: Manifest[]): Manifest | undefined {
  return objects.find(
    (o) =>
      o.kind === 'CronJob' && o.metadata.name === 'wallet-secret-id-rotation',
  );
}

async function runPod(
  objects: Manifest[],
  podSpec: Json,
  namespace: string,
  state: VaultState,
) {
  const role = objects.find(
    (o) => o.kind === 'Role' && o.metadata.name === 'wallet-approle-issuer',
  ) as Manifest;
  const sandbox = new PodSandbox(objects, podSpec);
  const api = await startFakeApiServer(role, namespace);
  const stateFile = path.join(sandbox.root, 'vault-state.json');
  fs.writeFileSync(stateFile, JSON.stringify(state));
  const bin = path.join(sandbox.root, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(FAKE_VAULT, path.join(bin, 'vault'));
  fs.writeFileSync(
    path.join(sandbox.volumeDir('vault-issuer-token'), 'token'),
    'issuer-token',
  );
  const kubeconfig = path.join(sandbox.root, 'kubeconfig');
  fs.writeFileSync(kubeconfig, kubeconfigFor(api.url, namespace));
  const logs: string[] = [];
  try {
    for (const item of [
      ...((podSpec.initContainers ?? []) as Json[]),
      ...((podSpec.containers ?? []) as Json[]),
    ]) {
      // The kubectl image's entrypoint is kubectl; the vault containers set their command.
      const argv = item.command
        ? [...(item.command as string[]), ...((item.args ?? []) as string[])]
        : ['kubectl', ...((item.args ?? []) as string[])];
      const result = await sandbox.run(item, argv, {
        binDir: bin,
        extraEnv: {
          FAKE_VAULT_STATE: stateFile,
          KUBECONFIG: kubeconfig,
          PATH: `${bin}:${process.env.PATH ?? ''}`,
        },
      });
      logs.push(`${item.name as string}: ${result.stdout}${result.stderr}`);
      if (result.status !== 0)
        throw new Error(
          `container ${item.name as string} failed:\n${logs.join('\n')}`,
        );
    }
    return {
      logs,
      api,
      vault: JSON.parse(fs.readFileSync(stateFile, 'utf8')) as VaultState,
    };
  } finally {
    await api.close();
    sandbox.cleanup();
  }
}

describe.each(['overlays/dev', 'overlays/production'])(
  'the secret_id rotation CronJob of %s',
  (dir) => {
    itWithKubectl(
      'delivers a fresh secret_id with one PATCH, then destroys all older ones but the previous',
      async () => {
        const objects = render(dir);
        const cron = rotationOf(objects) as Manifest;
        expect(cron).toBeDefined();
        const previous = ['2026-11-20', '2026-11-24', '2026-11-27'].map(
          (day, i) => ({
            accessor: `old-${i}`,
            secretId: `old-secret-${i}`,
            created: `${day}T03:17:00Z`,
          }),
        );
        const { api, vault } = await runPod(
          objects,
          podSpecOf(cron) as Json,
          cron.metadata.namespace as string,
          { roleId: 'role-id-123', counter: 0, secretIds: previous, calls: [] },
        );
        expect(
          api.requests
            .filter((r) => r.verb !== 'discovery')
            .map((r) => `${r.method} ${r.allowed ? 'allowed' : 'denied'}`),
        ).toEqual(['PATCH allowed']);
        expect(api.secrets.get('wallet-approle')).toEqual({
          role_id: 'role-id-123',
          secret_id: 'secret-id-1',
        });
        // The new one and the one it replaced (still in use until the wallet's next login).
        expect(vault.secretIds.map((s) => s.accessor).sort()).toEqual([
          'accessor-1',
          'old-2',
        ]);
        // Every call is one the approle-issuer policy allows.
        const policy = policyPaths(
          fs.readFileSync(
            path.join(K8S_DIR, 'components/approle-issuer/approle-issuer.hcl'),
            'utf8',
          ),
        );
        const needed: Record<string, string[]> = {
          read: ['read'],
          list: ['list'],
          write: ['create', 'update'],
        };
        const refused = vault.calls
          .filter((c) => c.op !== 'token')
          .filter(
            (c) =>
              !(policy.get(c.path) ?? []).some((cap) =>
                needed[c.op]?.includes(cap),
              ),
          );
        expect(refused).toEqual([]);
      },
    );

    itWithKubectl(
      "uses the issuer's ServiceAccount, pod label (its NetworkPolicy) and Vault token, no TTL recreation",
      () => {
        const objects = render(dir);
        const cron = rotationOf(objects) as Manifest;
        const spec = podSpecOf(cron) as Json;
        expect(spec.serviceAccountName).toBe('wallet-approle-issuer');
        expect(appNameOf(cron)).toBe('wallet-approle-issuer');
        expect(cron.spec.concurrencyPolicy).toBe('Forbid');
        const tokenVolume = (spec.volumes as Json[]).find(
          (v) => v.name === 'vault-issuer-token',
        );
        const issuerJob = objects.find(
          (o) =>
            o.kind === 'Job' && o.metadata.name === 'wallet-approle-issuer',
        ) as Manifest;
        const issuerToken = (
          (podSpecOf(issuerJob)?.volumes ?? []) as Json[]
        ).find((v) => v.name === 'vault-issuer-token');
        expect(tokenVolume?.secret).toEqual(issuerToken?.secret);
        // Only the deliver container gets the Kubernetes token.
        const withApiToken = [
          ...(spec.initContainers as Json[]),
          ...(spec.containers as Json[]),
        ]
          .filter((c) =>
            ((c.volumeMounts ?? []) as Json[]).some(
              (m) => m.name === 'kube-api-access',
            ),
          )
          .map((c) => c.name as string);
        expect(withApiToken).toEqual(['deliver']);
      },
    );
  },
);

describe('the schedule', () => {
  itWithKubectl(
    'runs at most four days apart (inside the 168 h issuer token period) and at least three (longer than the 24 h wallet token max TTL)',
    () => {
      const cron = rotationOf(render('overlays/production')) as Manifest;
      const [minute, hour, dom, month, dow] = (
        cron.spec.schedule as string
      ).split(' ');
      expect(
        [minute, hour, dom, month].every((f) => /^\d+$|^\*$/.test(f)),
      ).toBe(true);
      expect([dom, month]).toEqual(['*', '*']);
      const days = dow.split(',').map(Number).sort();
      const gaps = days.map(
        (d, i) => (days[(i + 1) % days.length] - d + 7) % 7 || 7,
      );
      expect(Math.max(...gaps)).toBeLessThanOrEqual(4);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(3);
      const bootstrap = fs.readFileSync(
        path.join(K8S_DIR, '..', 'vault', 'bootstrap.yaml'),
        'utf8',
      );
      expect(bootstrap).toMatch(
        /- name: wallet\n(?:.*\n)*?\s+tokenMaxTtl: 24h/,
      );
    },
  );

  itWithKubectl(
    'is absent in the wrapped variant, where the wallet unwraps only at start',
    () => {
      expect(rotationOf(render('overlays/dev-wrapped'))).toBeUndefined();
    },
  );
});
