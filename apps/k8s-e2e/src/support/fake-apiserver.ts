import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DataObject, KubeObject, RbacRule } from './manifests';

/**
 * A small Kubernetes API server for one namespace, enough for `kubectl` to discover the core API
 * and read, create and patch ConfigMaps and Secrets, with RBAC enforced as the real authorizer
 * does (plugin/pkg/auth/authorizer/rbac/rbac.go, `RuleAllows`): a request is allowed when a
 * RoleBinding of the namespace names the caller's ServiceAccount and its Role has a rule whose
 * apiGroups, resources, verbs and (when set) resourceNames all match. Discovery (`/api`, `/apis`,
 * `/version`, `/openapi`) is open to every authenticated caller, as the default ClusterRole
 * `system:discovery` makes it. Forbidden answers are the API server's 403 `Status`.
 */
export interface FakeApiServer {
  url: string;
  port: number;
  namespace: string;
  /** A token with every right (the operator's, like system:masters). */
  adminToken: string;
  /** A token that authenticates as the namespace's ServiceAccount `name` (a projected token). */
  tokenFor(serviceAccount: string): string;
  get(kind: 'ConfigMap' | 'Secret', name: string): DataObject | undefined;
  /** Creates or replaces an object as the operator (`kubectl create`/`apply`). */
  put(obj: DataObject): void;
  /** Every request, for assertions and the report: verb, path, status. */
  readonly requests: Array<{
    user: string;
    method: string;
    path: string;
    status: number;
  }>;
  /** Called after an object changed (the kubelet then refreshes the volumes that mount it). */
  onChange(
    listener: (kind: 'ConfigMap' | 'Secret', name: string) => void,
  ): void;
  close(): Promise<void>;
}

export interface FakeApiServerOptions {
  namespace: string;
  /** The rendered overlay: its ServiceAccounts, Roles and RoleBindings are the rules enforced. */
  objects: KubeObject[];
  tls: { certPem: string; keyPem: string };
}

const RESOURCES: Record<
  string,
  { kind: 'ConfigMap' | 'Secret'; singular: string; short: string[] }
> = {
  configmaps: { kind: 'ConfigMap', singular: 'configmap', short: ['cm'] },
  secrets: { kind: 'Secret', singular: 'secret', short: [] },
};
const VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const GIT_VERSION = 'v1.32.4';

interface Role {
  name: string;
  rules: RbacRule[];
}
interface RoleBinding {
  roleRef: { kind: string; name: string };
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
}

export async function startFakeApiServer(
  options: FakeApiServerOptions,
): Promise<FakeApiServer> {
  const ns = options.namespace;
  const store = new Map<string, DataObject>();
  const tokens = new Map<string, string>();
  const adminToken = crypto.randomBytes(24).toString('base64url');
  tokens.set(adminToken, 'kubernetes-admin');
  const listeners: Array<(kind: 'ConfigMap' | 'Secret', name: string) => void> =
    [];
  const requests: FakeApiServer['requests'] = [];
  let resourceVersion = 1000;
  const serviceAccounts = new Set(
    options.objects
      .filter((o) => o.kind === 'ServiceAccount')
      .map((o) => o.metadata.name),
  );
  const roles = new Map<string, Role>(
    options.objects
      .filter((o) => o.kind === 'Role')
      .map((o) => [
        o.metadata.name,
        {
          name: o.metadata.name,
          rules: (o as unknown as { rules?: RbacRule[] }).rules ?? [],
        },
      ]),
  );
  const bindings = options.objects.filter(
    (o) => o.kind === 'RoleBinding',
  ) as unknown as RoleBinding[];

  const key = (kind: string, name: string) => `${kind}/${name}`;
  const store_ = (obj: DataObject) => {
    const normalised = normalise(obj, ns, ++resourceVersion);
    store.set(key(normalised.kind, normalised.metadata.name), normalised);
    for (const l of listeners) l(normalised.kind, normalised.metadata.name);
    return normalised;
  };
  for (const o of options.objects) {
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') store_(o as DataObject);
  }

  const allowed = (
    user: string,
    verb: string,
    resource: string,
    name: string | undefined,
  ): boolean => {
    if (user === 'kubernetes-admin') return true;
    const prefix = `system:serviceaccount:${ns}:`;
    if (!user.startsWith(prefix)) return false;
    const sa = user.slice(prefix.length);
    for (const b of bindings) {
      const bound = b.subjects.some(
        (s) =>
          s.kind === 'ServiceAccount' &&
          s.name === sa &&
          (s.namespace ?? ns) === ns,
      );
      if (!bound || b.roleRef.kind !== 'Role') continue;
      const role = roles.get(b.roleRef.name);
      if (role?.rules.some((r) => ruleAllows(r, verb, resource, name)))
        return true;
    }
    return false;
  };

  const server = https.createServer(
    { cert: options.tls.certPem, key: options.tls.keyPem },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://127.0.0.1');
        const body = Buffer.concat(chunks).toString('utf8');
        const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
        const user = auth ? tokens.get(auth[1]) : undefined;
        const send = (
          status: number,
          payload: unknown,
          contentType = 'application/json',
        ) => {
          requests.push({
            user: user ?? 'system:anonymous',
            method: req.method ?? '',
            path: url.pathname,
            status,
          });
          res.writeHead(status, {
            'content-type': contentType,
            'cache-control': 'no-cache, private',
          });
          res.end(JSON.stringify(payload));
        };
        if (!user)
          return send(401, status(401, 'Unauthorized', 'Unauthorized'));
        handle(req.method ?? 'GET', url, body, req.headers, user, send);
      });
    },
  );

  const handle = (
    method: string,
    url: URL,
    body: string,
    headers: Record<string, string | string[] | undefined>,
    user: string,
    send: (status: number, payload: unknown, contentType?: string) => void,
  ): void => {
    const accept = String(headers['accept'] ?? '');
    const p = url.pathname.replace(/\/+$/, '') || '/';
    if (p === '/version')
      return send(200, {
        major: '1',
        minor: '32',
        gitVersion: GIT_VERSION,
        platform: 'linux/amd64',
      });
    if (p === '/api' || p === '/apis') {
      if (
        accept.includes('as=APIGroupDiscoveryList') &&
        accept.includes('v=v2')
      ) {
        return send(
          200,
          aggregatedDiscovery(p),
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        );
      }
      if (p === '/api')
        return send(200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' },
          ],
        });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    }
    if (p === '/api/v1')
      return send(200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: resourceList(),
      });
    if (p.startsWith('/openapi') || p.startsWith('/apis/'))
      return send(
        404,
        status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );

    const m = /^\/api\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    const resource = m ? RESOURCES[m[2]] : undefined;
    if (!m || !resource)
      return send(
        404,
        status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    const [, namespace, resourceName, name] = m;
    const verb = verbOf(method, name, url);
    if (!verb)
      return send(
        405,
        status(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        ),
      );
    if (!allowed(user, verb, resourceName, name) || namespace !== ns) {
      const what = name
        ? `${resourceName} "${name}" is forbidden`
        : `${resourceName} is forbidden`;
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${what}: User "${user}" cannot ${verb} resource "${resourceName}" in API group "" in the namespace "${namespace}"`,
          {
            ...(name ? { name } : {}),
            kind: resourceName,
          },
        ),
      );
    }
    const existing = name ? store.get(key(resource.kind, name)) : undefined;
    const notFound = () =>
      send(
        404,
        status(404, 'NotFound', `${resourceName} "${name}" not found`, {
          name,
          kind: resourceName,
        }),
      );
    switch (verb) {
      case 'get':
        return existing ? send(200, existing) : notFound();
      case 'list':
        return send(200, {
          kind: `${resource.kind}List`,
          apiVersion: 'v1',
          metadata: { resourceVersion: String(resourceVersion) },
          items: [...store.values()].filter((o) => o.kind === resource.kind),
        });
      case 'create': {
        const obj = JSON.parse(body) as DataObject;
        if (store.has(key(resource.kind, obj.metadata.name))) {
          return send(
            409,
            status(
              409,
              'AlreadyExists',
              `${resourceName} "${obj.metadata.name}" already exists`,
              { name: obj.metadata.name, kind: resourceName },
            ),
          );
        }
        return send(201, store_({ ...obj, kind: resource.kind }));
      }
      case 'update':
        return existing
          ? send(
              200,
              store_({
                ...(JSON.parse(body) as DataObject),
                kind: resource.kind,
              }),
            )
          : notFound();
      case 'delete':
        if (!existing) return notFound();
        store.delete(key(resource.kind, name as string));
        return send(
          200,
          status(200, '', '', { name, kind: resourceName }, 'Success'),
        );
      case 'patch': {
        if (!existing) return notFound();
        const type = String(headers['content-type'] ?? '').split(';')[0];
        let patched: DataObject;
        try {
          patched = applyPatch(existing, type, body);
        } catch (err) {
          if (err instanceof UnsupportedMediaType)
            return send(415, status(415, 'UnsupportedMediaType', err.message));
          return send(422, status(422, 'Invalid', (err as Error).message));
        }
        const invalid = invalidKeys(patched);
        if (invalid)
          return send(
            422,
            status(
              422,
              'Invalid',
              `${resource.kind} "${name}" is invalid: ${invalid}`,
              { name, kind: resourceName },
            ),
          );
        return send(200, store_(patched));
      }
      default:
        return send(
          405,
          status(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          ),
        );
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    namespace: ns,
    adminToken,
    tokenFor(sa) {
      if (!serviceAccounts.has(sa))
        throw new Error(`no ServiceAccount ${sa} in the rendered overlay`);
      const token = crypto.randomBytes(24).toString('base64url');
      tokens.set(token, `system:serviceaccount:${ns}:${sa}`);
      return token;
    },
    get: (kind, name) => store.get(key(kind, name)),
    put: (obj) => void store_(obj),
    requests,
    onChange: (l) => void listeners.push(l),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** rbac/v1 PolicyRule matching (rbac.go `RuleAllows`, with `*` wildcards). */
export function ruleAllows(
  rule: RbacRule,
  verb: string,
  resource: string,
  name: string | undefined,
): boolean {
  const has = (list: string[] | undefined, v: string) =>
    !!list && (list.includes('*') || list.includes(v));
  if (!has(rule.apiGroups, '')) return false;
  if (!has(rule.resources, resource)) return false;
  if (!has(rule.verbs, verb)) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return name !== undefined && rule.resourceNames.includes(name);
}

function verbOf(
  method: string,
  name: string | undefined,
  url: URL,
): string | undefined {
  switch (method) {
    case 'GET':
      return name
        ? 'get'
        : url.searchParams.get('watch') === 'true'
          ? 'watch'
          : 'list';
    case 'POST':
      return name ? undefined : 'create';
    case 'PUT':
      return name ? 'update' : undefined;
    case 'PATCH':
      return name ? 'patch' : undefined;
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

class UnsupportedMediaType extends Error {}

/** merge-patch (RFC 7386) and strategic merge (the same for a Secret's or ConfigMap's maps); JSON patch (RFC 6902) add/replace/remove. */
function applyPatch(obj: DataObject, type: string, body: string): DataObject {
  const patch = JSON.parse(body) as unknown;
  if (
    type === 'application/merge-patch+json' ||
    type === 'application/strategic-merge-patch+json'
  ) {
    return mergePatch(structuredClone(obj), patch) as DataObject;
  }
  if (type === 'application/json-patch+json') {
    const doc = structuredClone(obj) as unknown as Record<string, unknown>;
    for (const op of patch as Array<{
      op: string;
      path: string;
      value?: unknown;
    }>) {
      const parts = op.path
        .split('/')
        .slice(1)
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      const last = parts.pop() as string;
      let target = doc as Record<string, unknown>;
      for (const part of parts) {
        if (typeof target[part] !== 'object' || target[part] === null) {
          if (op.op === 'add') target[part] = {};
          else
            throw new Error(
              `jsonpatch ${op.op} operation does not apply: doc is missing path: ${op.path}`,
            );
        }
        target = target[part] as Record<string, unknown>;
      }
      if (op.op === 'add' || op.op === 'replace') target[last] = op.value;
      else if (op.op === 'remove') delete target[last];
      else throw new Error(`unsupported JSON patch operation ${op.op}`);
    }
    return doc as unknown as DataObject;
  }
  throw new UnsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
  );
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** What the API server stores: stringData folded into base64 data (Secret), defaults set. */
function normalise(obj: DataObject, ns: string, rv: number): DataObject {
  const out: DataObject = {
    ...obj,
    apiVersion: 'v1',
    metadata: { ...obj.metadata, namespace: ns },
  };
  (out.metadata as unknown as Record<string, unknown>)['resourceVersion'] =
    String(rv);
  if (out.kind === 'Secret') {
    const data = { ...(out.data ?? {}) };
    for (const [k, v] of Object.entries(out.stringData ?? {}))
      data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete out.stringData;
    out.data = data;
    out.type ??= 'Opaque';
  }
  return out;
}

function invalidKeys(obj: DataObject): string | undefined {
  const keys = [
    ...Object.keys(obj.data ?? {}),
    ...Object.keys(obj.stringData ?? {}),
  ];
  const bad = keys.find((k) => !/^[-._a-zA-Z0-9]+$/.test(k));
  return bad === undefined
    ? undefined
    : `data[${bad}]: Invalid value: "${bad}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`;
}

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  result = 'Failure',
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: result,
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function resourceList() {
  return Object.entries(RESOURCES).map(([name, r]) => ({
    name,
    singularName: r.singular,
    namespaced: true,
    kind: r.kind,
    verbs: VERBS,
    ...(r.short.length ? { shortNames: r.short } : {}),
    storageVersionHash: crypto
      .createHash('sha256')
      .update(name)
      .digest('base64')
      .slice(0, 11),
  }));
}

/** apidiscovery.k8s.io/v2 aggregated discovery (what kubectl ≥ 1.30 asks for first). */
function aggregatedDiscovery(p: string) {
  const items =
    p === '/api'
      ? [
          {
            metadata: { creationTimestamp: null },
            versions: [
              {
                version: 'v1',
                resources: Object.entries(RESOURCES).map(([name, r]) => ({
                  resource: name,
                  responseKind: { group: '', version: 'v1', kind: r.kind },
                  scope: 'Namespaced',
                  singularResource: r.singular,
                  verbs: VERBS,
                  ...(r.short.length ? { shortNames: r.short } : {}),
                })),
                freshness: 'Current',
              },
            ],
          },
        ]
      : [];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items,
  };
}
