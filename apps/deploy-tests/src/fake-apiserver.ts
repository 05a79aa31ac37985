import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json, Manifest } from './manifests';

export interface RecordedRequest {
  method: string;
  path: string;
  verb: string;
  allowed: boolean;
  contentType?: string;
  body: string;
}

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** The merged stringData/data of every Secret PATCH the Role allowed, by Secret name. */
  secrets: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

const VERB_OF_METHOD: Record<string, string> = {
  GET: 'get',
  PATCH: 'patch',
  PUT: 'update',
  POST: 'create',
  DELETE: 'delete',
};

/** Whether a Role's rules grant `verb` on `secrets/<name>` (core group), as the RBAC authorizer decides. */
export function roleAllows(
  role: Manifest,
  verb: string,
  resource: string,
  name: string | undefined,
): boolean {
  return ((role.rules ?? []) as Json[]).some((rule) => {
    const groups = (rule.apiGroups ?? []) as string[];
    const resources = (rule.resources ?? []) as string[];
    const verbs = (rule.verbs ?? []) as string[];
    const names = (rule.resourceNames ?? []) as string[];
    return (
      (groups.includes('') || groups.includes('*')) &&
      (resources.includes(resource) || resources.includes('*')) &&
      (verbs.includes(verb) || verbs.includes('*')) &&
      // resourceNames never match a request without a name (list, create).
      (names.length === 0 || (name !== undefined && names.includes(name)))
    );
  });
}

/**
 * A tiny Kubernetes API server for the real kubectl: discovery for the core group (which every
 * authenticated user may read, through the system:discovery ClusterRole), and Secrets guarded by
 * one Role exactly as RBAC would (verbs and resourceNames). An allowed merge PATCH is applied.
 *
 * apps/k8s-e2e/src/support/fake-apiserver.ts is the fuller one (HTTPS, ServiceAccount tokens,
 * RoleBindings, ConfigMaps, get/create/update). This one stays small and plain HTTP so that these
 * offline tests need neither openssl nor the e2e project (an app, with its build) as a dependency.
 */
export async function startFakeApiServer(
  role: Manifest,
  namespace: string,
): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const secrets = new Map<string, Record<string, string>>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const send = (status: number, payload: Json) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const record = (verb: string, allowed: boolean) =>
        requests.push({
          method: req.method ?? '',
          path: url.pathname,
          verb,
          allowed,
          contentType: req.headers['content-type'],
          body,
        });
      if (url.pathname === '/version') {
        record('discovery', true);
        return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.4' });
      }
      if (url.pathname === '/api') {
        record('discovery', true);
        return send(200, { kind: 'APIVersions', versions: ['v1'] });
      }
      if (url.pathname === '/apis') {
        record('discovery', true);
        return send(200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [],
        });
      }
      if (url.pathname === '/api/v1') {
        record('discovery', true);
        return send(200, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'secrets',
              singularName: 'secret',
              namespaced: true,
              kind: 'Secret',
              verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
            },
          ],
        });
      }
      const match = new RegExp(
        `^/api/v1/namespaces/${namespace}/secrets(?:/([^/]+))?$`,
      ).exec(url.pathname);
      const verb =
        req.method === 'GET' && !match?.[1]
          ? 'list'
          : (VERB_OF_METHOD[req.method ?? ''] ?? 'unknown');
      if (!match) {
        record(verb, false);
        return send(404, { kind: 'Status', code: 404, reason: 'NotFound' });
      }
      const name = match[1];
      const allowed = roleAllows(role, verb, 'secrets', name);
      record(verb, allowed);
      if (!allowed)
        return send(403, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: `secrets "${name ?? ''}" is forbidden: cannot ${verb}`,
        });
      if (
        verb === 'patch' &&
        name &&
        req.headers['content-type'] === 'application/merge-patch+json'
      ) {
        const patch = JSON.parse(body) as Json;
        const current = secrets.get(name) ?? {};
        const decoded = Object.fromEntries(
          Object.entries((patch.data ?? {}) as Record<string, string>).map(
            ([key, value]) => [key, Buffer.from(value, 'base64').toString()],
          ),
        );
        secrets.set(name, {
          ...current,
          ...decoded,
          ...((patch.stringData ?? {}) as Record<string, string>),
        });
        return send(200, {
          kind: 'Secret',
          apiVersion: 'v1',
          metadata: { name, namespace },
        });
      }
      return send(422, { kind: 'Status', code: 422, reason: 'Invalid' });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    secrets,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}

/** A kubeconfig pointing kubectl at the fake server, in `namespace` (what in-cluster config gives). */
export function kubeconfigFor(url: string, namespace: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: fake, cluster: {server: "${url}"}}]`,
    'users: [{name: sa, user: {token: not-a-real-token}}]',
    `contexts: [{name: fake, context: {cluster: fake, user: sa, namespace: ${namespace}}}]`,
    'current-context: fake',
    '',
  ].join('\n');
}
