import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A kubeconfig that does what in-cluster configuration does inside a pod: the API server's
 * address (KUBERNETES_SERVICE_HOST/PORT there), the CA from the ServiceAccount volume's `ca.crt`,
 * the projected token file (re-read by client-go, like `rest.InClusterConfig`) and the namespace
 * from the volume's `namespace` file. kubectl reads the in-cluster paths only under
 * /var/run/secrets/kubernetes.io/serviceaccount, which this run does not own, so it points
 * kubectl at the materialised volume through KUBECONFIG instead.
 */
export function writeInClusterKubeconfig(
  file: string,
  server: string,
  saDir: string,
): string {
  const namespace = fs
    .readFileSync(path.join(saDir, 'namespace'), 'utf8')
    .trim();
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'in-cluster',
        cluster: {
          server,
          'certificate-authority': path.join(saDir, 'ca.crt'),
        },
      },
    ],
    users: [{ name: 'pod', user: { tokenFile: path.join(saDir, 'token') } }],
    contexts: [
      {
        name: 'in-cluster',
        context: { cluster: 'in-cluster', user: 'pod', namespace },
      },
    ],
    'current-context': 'in-cluster',
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}
