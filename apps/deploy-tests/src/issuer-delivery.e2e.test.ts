import * as fs from 'node:fs';
import * as path from 'node:path';
import { PodSandbox, writeScript } from './container-run';
import { kubeconfigFor, startFakeApiServer } from './fake-apiserver';
import type { Json, Manifest } from './manifests';
import { podSpecOf } from './manifests';
import { itWithKubectl, render } from './rendered';

// The AppRole issuer Job, run as the kubelet would run it: the `issue` container's script with a
// stand-in `vault` CLI, then the `deliver` container's real kubectl against a small API server
// that enforces the rendered Role. The Role grants only `patch` on wallet-approle (the issuer
// must not read back Secrets), so the delivery must send a PATCH and nothing else:
// `kubectl patch secret NAME` GETs the object first and stops at Forbidden, while
// `kubectl patch -f FILE` takes the object's identity from the file and sends only the PATCH.

const ISSUER_OVERLAYS = [
  { dir: 'overlays/dev', key: 'secret_id', value: 'secret-id-456' },
  { dir: 'overlays/dev-wrapped', key: 'wrapped_secret_id', value: 'hvs.wrap' },
  { dir: 'overlays/production', key: 'secret_id', value: 'secret-id-456' },
];

/** The Job or CronJob (by its name label) of the issuer; names may carry a spec hash. */
export function issuerWorkloads(objects: Manifest[]): Manifest[] {
  return objects.filter(
    (o) =>
      (o.kind === 'Job' || o.kind === 'CronJob') &&
      o.metadata.labels?.['app.kubernetes.io/name'] === 'wallet-approle-issuer',
  );
}

// Answers the vault CLI calls the issue script makes, as `vault ... -field=X` prints: the bare value.
const FAKE_VAULT = `case "$*" in
  "token renew") exit 0 ;;
  "read -field=role_id auth/approle/role/wallet/role-id") printf 'role-id-123' ;;
  "write -f -wrap-ttl="*" -field=wrapping_token auth/approle/role/wallet/secret-id") printf 'hvs.wrap' ;;
  "write -f -field=secret_id auth/approle/role/wallet/secret-id") printf 'secret-id-456' ;;
  "write -f -field=secret_id_accessor auth/approle/role/wallet/secret-id") printf 'accessor-789' ;;
  *) echo "unexpected vault call: $*" >&2; exit 1 ;;
esac`;

describe.each(ISSUER_OVERLAYS)(
  'the AppRole issuer of $dir',
  ({ dir, key, value }) => {
    itWithKubectl(
      'delivers role_id and the secret_id with only a PATCH that its Role allows',
      async () => {
        const objects = render(dir);
        const [job] = issuerWorkloads(objects).filter((o) => o.kind === 'Job');
        expect(job).toBeDefined();
        const role = objects.find(
          (o) =>
            o.kind === 'Role' && o.metadata.name === 'wallet-approle-issuer',
        ) as Manifest;
        const namespace = job.metadata.namespace as string;
        const sandbox = new PodSandbox(objects, podSpecOf(job) as Json);
        const api = await startFakeApiServer(role, namespace);
        try {
          const bin = path.join(sandbox.root, 'bin');
          writeScript(bin, 'vault', FAKE_VAULT);
          const issue = sandbox.container('issue');
          fs.writeFileSync(
            path.join(sandbox.volumeDir('vault-issuer-token'), 'token'),
            'issuer-token',
          );
          const issued = await sandbox.run(
            issue,
            [
              ...(issue.command as string[]),
              ...((issue.args ?? []) as string[]),
            ],
            { binDir: bin },
          );
          expect(issued.stderr).toBe('');
          expect(issued.status).toBe(0);

          const deliver = sandbox.container('deliver');
          const kubeconfig = path.join(sandbox.root, 'kubeconfig');
          fs.writeFileSync(kubeconfig, kubeconfigFor(api.url, namespace));
          // The image's entrypoint is kubectl; in the cluster it uses the in-cluster config.
          const delivered = await sandbox.run(
            deliver,
            ['kubectl', ...((deliver.args ?? []) as string[])],
            { extraEnv: { KUBECONFIG: kubeconfig } },
          );
          expect(delivered.stderr).toBe('');
          expect(delivered.status).toBe(0);

          const secretCalls = api.requests.filter(
            (r) => r.verb !== 'discovery',
          );
          expect(secretCalls.map((r) => `${r.method} ${r.path}`)).toEqual([
            `PATCH /api/v1/namespaces/${namespace}/secrets/wallet-approle`,
          ]);
          expect(secretCalls.every((r) => r.allowed)).toBe(true);
          expect(api.secrets.get('wallet-approle')).toEqual({
            role_id: 'role-id-123',
            [key]: value,
          });
        } finally {
          await api.close();
          sandbox.cleanup();
        }
      },
    );
  },
);
