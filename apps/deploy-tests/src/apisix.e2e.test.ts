import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StandaloneConfig, StandaloneRoute } from './apisix-config';
import { configVariables, hasEndMarker, pluginsUsed } from './apisix-config';
import type { Json, Manifest } from './manifests';
import {
  APISIX_CRD_DIR,
  K8S_DIR,
  REPO_ROOT,
  kubectlStatus,
  kustomizeBuild,
  parseManifests,
  rawResources,
  readYaml,
} from './manifests';
import { loadCrdValidators } from './schemas';

const SOURCE_FILE = path.join(REPO_ROOT, 'deploy', 'apisix', 'apisix.yaml');
const COPY_FILE = path.join(K8S_DIR, 'base', 'apisix', 'apisix.yaml');
const GATEWAY_CONFIG_FILE = path.join(
  K8S_DIR,
  'base',
  'gateway',
  'config.yaml',
);
const INGRESS_DIR = path.join(K8S_DIR, 'apisix-ingress');

const hasCrds = fs.existsSync(APISIX_CRD_DIR);
const itWithCrds = hasCrds ? it : it.skip;
if (!hasCrds) {
  console.warn(
    `SKIPPED: validating the APISIX custom resources against their CRD schemas (${APISIX_CRD_DIR} is absent; CI has it).`,
  );
}

const standalone = readYaml<StandaloneConfig>(SOURCE_FILE);
const routesById = new Map(standalone.routes.map((route) => [route.id, route]));
const ingressObjects: Manifest[] = kubectlStatus().available
  ? kustomizeBuild(INGRESS_DIR)
  : rawResources(INGRESS_DIR);

// apisix.yaml's ${{VAR:=default}} resolved to its default; all-digit values become numbers (as gateway-dev and APISIX do).
function resolveDefaults(value: unknown): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*:=([^}]*)\}\}$/.exec(
      value,
    );
    if (whole) return /^\d+$/.test(whole[1]) ? Number(whole[1]) : whole[1];
    return value;
  }
  if (Array.isArray(value)) return value.map(resolveDefaults);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveDefaults(v)]),
    );
  return value;
}

const UPSTREAM_SERVICE: Record<
  string,
  { serviceName: string; servicePort: number }
> = {
  agent: { serviceName: 'agent', servicePort: 8085 },
  vault: { serviceName: 'vault', servicePort: 8200 },
};
const VAR_OPERATOR: Record<string, string> = {
  '~~': 'RegexMatch',
  '~*': 'RegexMatchCaseInsensitive',
  '==': 'Equal',
};

function ingressRoutes(): Json[] {
  return ingressObjects
    .filter((o) => o.kind === 'ApisixRoute')
    .flatMap((o) => o.spec.http as Json[]);
}

function pluginConfigPlugins(name: string | undefined): Json[] {
  const config = ingressObjects.find(
    (o) => o.kind === 'ApisixPluginConfig' && o.metadata.name === name,
  );
  return (config?.spec.plugins ?? []) as Json[];
}

/** An ApisixRoute http entry translated back into the shape of a standalone route. */
function asStandalone(
  http: Json,
): Omit<StandaloneRoute, 'id'> & { backend: Json } {
  const plugins = [
    ...pluginConfigPlugins(http.plugin_config_name as string | undefined),
    ...((http.plugins ?? []) as Json[]),
  ];
  return {
    uri: (http.match.paths as string[]).join(' '),
    methods: http.match.methods as string[] | undefined,
    vars: ((http.match.exprs ?? []) as Json[]).map((e) => [
      e.subject.name,
      e.op,
      e.value,
    ]),
    plugins: Object.fromEntries(
      plugins.filter((p) => p.enable).map((p) => [p.name, p.config ?? {}]),
    ),
    backend: (http.backends as Json[])[0],
  };
}

describe('the standalone gateway configuration', () => {
  it('ships a byte-identical copy of deploy/apisix/apisix.yaml (fix: cp deploy/apisix/apisix.yaml deploy/k8s/base/apisix/apisix.yaml)', () => {
    expect(fs.readFileSync(COPY_FILE, 'utf8')).toBe(
      fs.readFileSync(SOURCE_FILE, 'utf8'),
    );
  });

  it('ends apisix.yaml with the #END marker without which APISIX ignores the file', () => {
    expect(hasEndMarker(fs.readFileSync(COPY_FILE, 'utf8'))).toBe(true);
  });

  it('enables exactly the plugins apisix.yaml uses, the same list as deploy/apisix/config.yaml', () => {
    const gatewayPlugins = readYaml<{ plugins: string[] }>(
      GATEWAY_CONFIG_FILE,
    ).plugins;
    const sourcePlugins = readYaml<{ plugins: string[] }>(
      path.join(REPO_ROOT, 'deploy', 'apisix', 'config.yaml'),
    ).plugins;
    expect([...gatewayPlugins].sort()).toEqual(
      [...pluginsUsed(standalone)].sort(),
    );
    expect([...gatewayPlugins].sort()).toEqual([...sourcePlugins].sort());
  });

  it('differs from deploy/apisix/config.yaml only in what Kubernetes needs: status API, logs to stdio, collector address', () => {
    const normalise = (file: string): Json => {
      const config = readYaml<Json>(file);
      delete config.apisix?.status;
      for (const key of ['error_log', 'error_log_level'])
        delete config.nginx_config?.[key];
      // Kubernetes logs to stdout; every other http setting (client_max_body_size) must agree.
      delete config.nginx_config?.http?.access_log;
      delete config.plugin_attr?.opentelemetry?.collector?.address;
      // deploy/apisix/config.yaml takes the collector address from a variable; Kubernetes does not.
      config.nginx_config.envs = (config.nginx_config?.envs as string[])
        .filter((name) => name !== 'OTEL_COLLECTOR_ADDRESS')
        .sort();
      config.plugins = [...(config.plugins as string[])].sort();
      return config;
    };
    const source = path.join(REPO_ROOT, 'deploy', 'apisix', 'config.yaml');
    expect(normalise(GATEWAY_CONFIG_FILE)).toEqual(normalise(source));
  });

  it('exposes every ${{VAR}} of apisix.yaml and config.yaml to the nginx workers and sets each one that has no default', () => {
    const variables = [
      ...configVariables(fs.readFileSync(COPY_FILE, 'utf8')),
      ...configVariables(fs.readFileSync(GATEWAY_CONFIG_FILE, 'utf8'), false),
    ];
    const envs = readYaml<{ nginx_config: { envs: string[] } }>(
      GATEWAY_CONFIG_FILE,
    ).nginx_config.envs;
    expect([...envs].sort()).toEqual(variables.map((v) => v.name).sort());
    const deployment = rawResources(path.join(K8S_DIR, 'base')).find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'gateway',
    );
    const apisix = (deployment?.spec.template.spec.containers as Json[]).find(
      (c) => c.name === 'apisix',
    );
    const set = ((apisix?.env ?? []) as Json[]).map((e) => e.name as string);
    expect(
      set.filter((name) => !variables.some((v) => v.name === name)),
    ).toEqual([]);
    expect(
      variables
        .filter((v) => !v.hasDefault && !set.includes(v.name))
        .map((v) => v.name),
    ).toEqual([]);
  });
});

describe('the ingress-controller variant', () => {
  const validators = hasCrds
    ? loadCrdValidators(APISIX_CRD_DIR)
    : new Map<string, never>();

  itWithCrds(
    'validates ApisixRoute, ApisixConsumer and ApisixPluginConfig against the CRD schemas',
    () => {
      expect(ingressObjects.length).toBeGreaterThanOrEqual(4);
      for (const object of ingressObjects) {
        const validate = validators.get(`${object.apiVersion} ${object.kind}`);
        expect(validate).toBeDefined();
        expect(validate?.(object)).toEqual([]);
      }
    },
  );

  itWithCrds(
    'is caught by the CRD schema when a route enables authentication without a type',
    () => {
      const route = structuredClone(
        ingressObjects.find((o) => o.kind === 'ApisixRoute'),
      ) as Manifest;
      route.spec.http[0].authentication = { enable: true };
      expect(
        validators.get('apisix.apache.org/v2 ApisixRoute')?.(route).join('\n'),
      ).toContain('type');
    },
  );

  it('has the same routes as apisix.yaml', () => {
    expect(
      ingressRoutes()
        .map((http) => http.name as string)
        .sort(),
    ).toEqual([...routesById.keys()].sort());
  });

  it.each([...routesById.keys()])(
    'route %s matches, rewrites and protects exactly as in apisix.yaml',
    (id) => {
      const source = routesById.get(id) as StandaloneRoute;
      const translated = asStandalone(
        ingressRoutes().find((http) => http.name === id) as Json,
      );
      expect(translated.uri).toBe(source.uri ?? (source.uris ?? []).join(' '));
      expect(translated.methods).toEqual(source.methods);
      const sourceVars = ((source.vars ?? []) as string[][]).map(
        ([name, op, value]) => [name, VAR_OPERATOR[op] ?? op, value],
      );
      expect(translated.vars).toEqual(sourceVars);
      expect(translated.plugins).toEqual(resolveDefaults(source.plugins));
      expect(translated.backend).toEqual(
        UPSTREAM_SERVICE[source.upstream_id as string],
      );
    },
  );

  it('declares every apisix.yaml consumer with its key taken from a Secret, never inline', () => {
    const consumers = ingressObjects.filter((o) => o.kind === 'ApisixConsumer');
    expect(consumers.map((c) => c.metadata.name).sort()).toEqual(
      (standalone.consumers ?? []).map((c) => c.username as string).sort(),
    );
    for (const consumer of consumers) {
      expect(consumer.spec.authParameter.keyAuth.secretRef.name).toEqual(
        expect.any(String),
      );
      expect(consumer.spec.authParameter.keyAuth.value).toBeUndefined();
    }
  });

  it('parses as plain YAML without kubectl too', () => {
    const files = fs
      .readdirSync(INGRESS_DIR)
      .filter(
        (name) => name !== 'kustomization.yaml' && name.endsWith('.yaml'),
      );
    const objects = files.flatMap((name) =>
      parseManifests(fs.readFileSync(path.join(INGRESS_DIR, name), 'utf8')),
    );
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ApisixConsumer',
      'ApisixPluginConfig',
      'ApisixRoute',
      'ApisixRoute',
    ]);
  });
});
