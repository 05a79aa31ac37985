import type { Container, Rendered, ServiceObject, Workload } from './manifests';
import { selects } from './manifests';

/**
 * Variables whose values are identifiers that only look like addresses: the JWT issuer the agent
 * and wallet compare with the `iss` claim, and Vault's api_addr (from which it derives that
 * issuer). Rewriting them would make the run pass where a cluster fails, so they stay as written.
 */
export const IDENTIFIER_VARIABLES = new Set([
  'TENANT_JWT_ISSUER',
  'VAULT_API_ADDR',
]);

/** One rewrite the run made, for the report and for failing tests. */
export interface Rewrite {
  where: string;
  from: string;
  to: string;
}

export interface Network {
  /** The local port standing for `containerPort` of a workload's container. */
  localPort(workload: string, container: string, containerPort: number): number;
  /** A container port by name or number → its local port. */
  probePort(
    workload: string,
    container: Container,
    port: number | string,
  ): number;
  /** Host names (Service DNS names, external names) → their ports → local ports. */
  readonly hosts: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** `host:port` occurrences of known names rewritten to 127.0.0.1:<local port>. */
  rewriteText(text: string, where: string): string;
  /** A container's environment with addresses mapped (see {@link IDENTIFIER_VARIABLES}). */
  rewriteEnv(
    env: Record<string, string>,
    workload: string,
    container: Container,
  ): Record<string, string>;
  readonly rewrites: Rewrite[];
}

export interface NetworkOptions {
  rendered: Rendered;
  /** Free loopback ports, one per call. */
  ports: () => Promise<number>;
  /** Names outside the cluster (production's Vault) → port → local port. */
  external?: Record<string, Record<number, number>>;
  /** A local port where nothing listens: in-cluster names this run has no pod for (telemetry collector). */
  nowhere: number;
}

/**
 * Services → targetPort → the containerPort of the pod they select → a free 127.0.0.1 port given to
 * that container. The cluster DNS names of a Service (`name`, `name.ns`, `name.ns.svc`,
 * `name.ns.svc.cluster.local`) all map to it.
 */
export async function buildNetwork(options: NetworkOptions): Promise<Network> {
  const { rendered } = options;
  const ns = rendered.namespace;
  const local = new Map<string, number>();
  const workloads = [
    ...rendered.of<Workload>('Deployment'),
    ...rendered.of<Workload>('Job'),
  ];
  for (const w of workloads) {
    for (const c of [
      ...(w.spec.template.spec.initContainers ?? []),
      ...w.spec.template.spec.containers,
    ]) {
      for (const p of c.ports ?? [])
        local.set(
          `${w.metadata.name}/${c.name}/${p.containerPort}`,
          await options.ports(),
        );
    }
  }
  const hosts = new Map<string, Map<number, number>>();
  for (const svc of rendered.of<ServiceObject>('Service')) {
    const targets = rendered
      .of<Workload>('Deployment')
      .filter((d) =>
        selects(svc.spec.selector, d.spec.template.metadata?.labels),
      );
    if (targets.length !== 1)
      throw new Error(
        `Service ${svc.metadata.name} selects ${targets.length} Deployments; this run maps exactly one`,
      );
    const [target] = targets;
    const ports = new Map<number, number>();
    for (const sp of svc.spec.ports) {
      const want = sp.targetPort ?? sp.port;
      const found = target.spec.template.spec.containers
        .flatMap((c) => (c.ports ?? []).map((p) => ({ c, p })))
        .find(({ p }) =>
          typeof want === 'number' ? p.containerPort === want : p.name === want,
        );
      if (!found)
        throw new Error(
          `Service ${svc.metadata.name} port ${sp.port}: targetPort ${want} is no containerPort of Deployment ${target.metadata.name}`,
        );
      ports.set(
        sp.port,
        local.get(
          `${target.metadata.name}/${found.c.name}/${found.p.containerPort}`,
        ) as number,
      );
    }
    const n = svc.metadata.name;
    for (const h of [
      n,
      `${n}.${ns}`,
      `${n}.${ns}.svc`,
      `${n}.${ns}.svc.cluster.local`,
    ])
      hosts.set(h, ports);
  }
  for (const [h, ports] of Object.entries(options.external ?? {}))
    hosts.set(
      h,
      new Map(Object.entries(ports).map(([p, l]) => [Number(p), l])),
    );

  const rewrites: Rewrite[] = [];
  const note = (where: string, from: string, to: string) => {
    if (from !== to) rewrites.push({ where, from, to });
    return to;
  };
  const mapHostPort = (host: string, port: number): number | undefined => {
    const known = hosts.get(host.toLowerCase());
    if (known) return known.get(port);
    if (/\.svc(\.cluster\.local)?$/i.test(host)) return options.nowhere;
    return undefined;
  };
  const rewriteText = (text: string, where: string) =>
    note(
      where,
      text,
      text.replace(
        /(^|[^A-Za-z0-9.-])([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})(?![0-9])/g,
        (all, pre: string, host: string, port: string) => {
          if (/^\d+\.\d+\.\d+\.\d+$/.test(host))
            return host === '0.0.0.0' ? `${pre}127.0.0.1:${port}` : all;
          const mapped = mapHostPort(host, Number(port));
          if (mapped === undefined) {
            if (hosts.has(host.toLowerCase()))
              throw new Error(
                `${where}: ${host}:${port} names a Service port that does not exist`,
              );
            return all;
          }
          return `${pre}127.0.0.1:${mapped}`;
        },
      ),
    );

  const localPort = (
    workload: string,
    container: string,
    containerPort: number,
  ): number => {
    const port = local.get(`${workload}/${container}/${containerPort}`);
    if (port === undefined)
      throw new Error(
        `${workload}/${container} declares no containerPort ${containerPort}`,
      );
    return port;
  };
  return {
    hosts,
    rewrites,
    rewriteText,
    localPort,
    probePort(workload, container, port) {
      const p = (container.ports ?? []).find((x) =>
        typeof port === 'number' ? x.containerPort === port : x.name === port,
      );
      if (!p)
        throw new Error(
          `${workload}/${container.name}: probe port ${port} is no declared containerPort`,
        );
      return localPort(workload, container.name, p.containerPort);
    },
    rewriteEnv(env, workload, container) {
      const out = { ...env };
      const own = new Set((container.ports ?? []).map((p) => p.containerPort));
      const consumed = new Set<string>();
      // HOST/PORT pairs that name a peer (AGENT_UPSTREAM_HOST=agent + AGENT_UPSTREAM_PORT=8085).
      for (const [k, v] of Object.entries(env)) {
        if (
          IDENTIFIER_VARIABLES.has(k) ||
          !k.endsWith('_HOST') ||
          !hosts.has(v.toLowerCase())
        )
          continue;
        const portKey = `${k.slice(0, -'_HOST'.length)}_PORT`;
        out[k] = note(`${workload}/${container.name} env ${k}`, v, '127.0.0.1');
        if (env[portKey] === undefined) continue;
        const mapped = mapHostPort(v, Number(env[portKey]));
        if (mapped === undefined)
          throw new Error(
            `${workload}/${container.name}: ${k}=${v} with ${portKey}=${env[portKey]}, a port that ${v} does not serve`,
          );
        out[portKey] = note(
          `${workload}/${container.name} env ${portKey}`,
          env[portKey],
          String(mapped),
        );
        consumed.add(portKey);
      }
      for (const [k, v] of Object.entries(env)) {
        if (IDENTIFIER_VARIABLES.has(k) || consumed.has(k) || out[k] !== v)
          continue;
        const where = `${workload}/${container.name} env ${k}`;
        if (v === '0.0.0.0') out[k] = note(where, v, '127.0.0.1');
        else if (
          (k === 'PORT' || k.endsWith('_PORT')) &&
          /^\d+$/.test(v) &&
          own.has(Number(v))
        )
          out[k] = note(
            where,
            v,
            String(localPort(workload, container.name, Number(v))),
          );
        else out[k] = rewriteText(v, where);
      }
      return out;
    },
  };
}
