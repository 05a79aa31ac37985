import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startFakeApiServer, type FakeApiServer } from './fake-apiserver';
import {
  renderOverlay,
  type DataObject,
  type Rendered,
  type Workload,
} from './manifests';
import { buildNetwork, type Network } from './network';
import { Pod, PodFailure, indent, type PodContext } from './pods';
import { delay, probeOnce, startProcess, tail, type Proc } from './processes';
import { makeServerCertificate, type Certificate } from './tls';

export interface RunningOverlay {
  overlay: string;
  rendered: Rendered;
  gatewayUrl: string;
  apiKey: string;
  adminApiKey: string;
  api: FakeApiServer;
  network: Network;
  pods: Pod[];
  /** Progress lines (what a `kubectl get events` would have shown), for failure messages. */
  events: string[];
  stop(): Promise<void>;
}

export interface RunOptions {
  repoRoot: string;
  overlay: string;
  /** Overall limit for starting the overlay (Jobs done, every Deployment ready). */
  timeoutMs: number;
}

/** The operator's Vault for an overlay that runs none (production): vault-dev over TLS. */
interface OperatorVault {
  proc: Proc;
  url: string;
  rootToken: string;
  cert: Certificate;
  host: string;
  port: number;
}

/**
 * `kubectl apply -k deploy/k8s/overlays/<overlay>` on this machine: renders the overlay, creates
 * the operator's Secrets and ConfigMaps as deploy/README.md tells an operator to, starts every
 * Deployment's pod, runs the Jobs in order, and waits for every readiness probe.
 */
export async function runOverlay(options: RunOptions): Promise<RunningOverlay> {
  const rendered = renderOverlay(options.repoRoot, options.overlay);
  const baseDir = fs.mkdtempSync(
    path.join(os.tmpdir(), `sf-k8s-${options.overlay}-`),
  );
  const events: string[] = [];
  const say = (line: string) =>
    events.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  const procs = new Set<Proc>();
  const pods: Pod[] = [];
  let api: FakeApiServer | undefined;
  let vault: OperatorVault | undefined;
  const stop = async () => {
    for (const pod of pods) pod.stopAll();
    await Promise.all([...procs].map((p) => p.stop()));
    await vault?.proc.stop();
    await api?.close();
    fs.rmSync(baseDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + options.timeoutMs;
    const apiCert = makeServerCertificate(
      path.join(baseDir, 'pki'),
      'apiserver',
      ['IP:127.0.0.1'],
    );
    api = await startFakeApiServer({
      namespace: rendered.namespace,
      objects: rendered.objects,
      tls: apiCert,
    });
    // kube-controller-manager publishes the cluster CA in every namespace (root-ca-cert-publisher).
    api.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt' },
      data: { 'ca.crt': apiCert.caPem },
    });

    // Workloads other than Deployments and Jobs: a CronJob (the secret_id rotation) is not run;
    // apps/deploy-tests/src/rotation.e2e.test.ts runs its containers. Any other kind fails the run.
    for (const cron of rendered.objects.filter((o) => o.kind === 'CronJob'))
      say(
        `cronjob ${cron.metadata.name}: not run here (scheduled; see apps/deploy-tests rotation.e2e.test.ts)`,
      );
    const unrun = rendered.objects.filter((o) =>
      ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod'].includes(o.kind),
    );
    if (unrun.length > 0)
      throw new Error(
        `the run does not start ${unrun.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
      );
    const deployments = rendered.of<Workload>('Deployment');
    const runsVault = deployments.some((d) =>
      d.spec.template.spec.containers.some((c) =>
        c.image.startsWith('hashicorp/vault:'),
      ),
    );
    if (!runsVault)
      vault = await startOperatorVault(
        options.repoRoot,
        rendered,
        baseDir,
        say,
      );
    const nowhere = await freePort();
    const network = await buildNetwork({
      rendered,
      ports: freePort,
      nowhere,
      external: vault
        ? { [vault.host]: { [vault.port]: Number(new URL(vault.url).port) } }
        : undefined,
    });

    const secrets = await operatorObjects(
      options.repoRoot,
      rendered,
      api,
      vault,
    );
    const ctx: PodContext = {
      repoRoot: options.repoRoot,
      rendered,
      api,
      network,
      baseDir,
      vaultDevArgs: [],
      procs,
      deadline,
      say,
    };

    // Deployments: every pod at once, each waiting for its volumes like a pod in ContainerCreating.
    const started = deployments.map((d) => {
      if ((d.spec.replicas ?? 1) > 1)
        say(
          `deployment ${d.metadata.name}: ${d.spec.replicas} replicas in the manifest, one runs here`,
        );
      const pod = new Pod(ctx, d);
      pods.push(pod);
      return (async () => {
        await pod.setUpVolumes();
        for (const init of d.spec.template.spec.initContainers ?? [])
          await pod.runToCompletion(
            init,
            () => 0,
            () => undefined,
          );
        for (const c of d.spec.template.spec.containers) pod.keepRunning(c);
        say(`deployment ${d.metadata.name}: pod ${pod.name} started`);
      })();
    });
    let failed: unknown;
    const startedAll = Promise.all(started).catch(
      (err: unknown) => (failed = err),
    );

    // Jobs, one after the other, each with its restart policy and backoffLimit.
    for (const job of rendered.of<Workload>('Job')) {
      if (failed) throw failed;
      await runJob(ctx, job, pods);
      say(`job ${job.metadata.name}: complete`);
      if (
        job.metadata.name === 'vault-bootstrap' &&
        secrets.deliverAppRoleAfterBootstrap
      )
        await deliverAppRoleAsCd(api, vault, say);
    }
    await startedAll;
    if (failed) throw failed;
    for (const pod of pods.filter((p) => p.workload.kind === 'Deployment')) {
      for (const c of pod.workload.spec.template.spec.containers)
        await pod.waitReady(c);
      say(`deployment ${pod.workload.metadata.name}: ready`);
    }
    const gateway = rendered
      .of<Workload>('Deployment')
      .find((d) => d.metadata.name === 'gateway');
    if (!gateway)
      throw new Error(`overlay ${options.overlay} has no gateway Deployment`);
    const gatewayPort = network.hosts.get('gateway')?.get(9080);
    if (!gatewayPort) throw new Error('the gateway Service has no port 9080');
    return {
      overlay: options.overlay,
      rendered,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      apiKey: secrets.apiKey,
      adminApiKey: secrets.adminApiKey,
      api,
      network,
      pods,
      events,
      stop,
    };
  } catch (err) {
    const message = `${(err as Error).message}\n\nevents:\n${indent(events.join('\n'))}`;
    await stop();
    throw new Error(message);
  }
}

async function runJob(
  ctx: PodContext,
  job: Workload,
  pods: Pod[],
): Promise<void> {
  const spec = job.spec.template.spec;
  if (spec.restartPolicy !== 'OnFailure')
    throw new Error(
      `job ${job.metadata.name}: restartPolicy ${spec.restartPolicy}: only OnFailure is run here (what the overlays use)`,
    );
  const backoffLimit = job.spec.backoffLimit ?? 6;
  let failures = 0;
  const left = () => backoffLimit - failures;
  const failed = () => void failures++;
  const pod = new Pod(ctx, job);
  pods.push(pod);
  await pod.setUpVolumes();
  for (const init of spec.initContainers ?? [])
    await pod.runToCompletion(init, left, failed);
  await Promise.all(
    spec.containers.map((c) => pod.runToCompletion(c, left, failed)),
  );
  if (failures > 0)
    ctx.say(
      `job ${job.metadata.name}: succeeded after ${failures} failed attempt(s)`,
    );
}

export interface OperatorSecrets {
  apiKey: string;
  adminApiKey: string;
  /** Production without the issuer component: the CD system fills wallet-approle after the bootstrap. */
  deliverAppRoleAfterBootstrap: boolean;
}

const hex = (n = 24) => crypto.randomBytes(n).toString('hex');

/**
 * The objects deploy/README.md has an operator create before `kubectl apply` (nothing secret is in
 * the manifests). Only what the rendered workloads reference is created; a reference this function
 * does not know fails the run, since the README would then be missing a step.
 */
async function operatorObjects(
  repoRoot: string,
  rendered: Rendered,
  api: FakeApiServer,
  vault: OperatorVault | undefined,
): Promise<OperatorSecrets> {
  const refs = referencedObjects(rendered);
  const apiKey = hex();
  const adminApiKey = hex();
  const secret = (name: string, data: Record<string, string>) =>
    api.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      type: 'Opaque',
      stringData: data,
    });
  const configMap = (name: string, data: Record<string, string>) =>
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  let deliverAppRoleAfterBootstrap = false;
  const unknown: string[] = [];
  for (const ref of refs) {
    if (api.get(ref.kind, ref.name)) continue;
    const id = `${ref.kind}/${ref.name}`;
    switch (id) {
      case 'Secret/vault-dev-root-token':
        secret(ref.name, { token: hex() });
        break;
      case 'Secret/agent-admin-api-key':
        secret(ref.name, { 'admin-api-key': adminApiKey });
        break;
      case 'Secret/gateway-consumer-keys':
        secret(ref.name, { 'demo-api-key': apiKey });
        break;
      case 'Secret/agent-service-jwt':
      case 'ConfigMap/service-jwt-public-keys': {
        if (api.get('Secret', 'agent-service-jwt')) break;
        const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', {
          namedCurve: 'P-256',
        });
        secret('agent-service-jwt', {
          'private-key.pem': privateKey
            .export({ type: 'pkcs8', format: 'pem' })
            .toString(),
        });
        configMap('service-jwt-public-keys', {
          'jwks.json': JSON.stringify({
            keys: [
              {
                ...publicKey.export({ format: 'jwk' }),
                kid: 'agent-1',
                alg: 'ES256',
                use: 'sig',
              },
            ],
          }),
        });
        break;
      }
      case 'ConfigMap/vault-ca':
        if (!vault)
          throw new Error('the overlay mounts vault-ca but runs its own Vault');
        configMap(ref.name, { 'ca.crt': vault.cert.caPem });
        break;
      case 'Secret/vault-bootstrap-token':
        if (!vault)
          throw new Error('vault-bootstrap-token without an external Vault');
        await vaultApi(vault, 'PUT', 'sys/policies/acl/bootstrap', {
          policy: fs.readFileSync(
            path.join(repoRoot, 'deploy/vault/policies/bootstrap.hcl'),
            'utf8',
          ),
        });
        secret(ref.name, {
          token: (
            (await vaultApi(vault, 'POST', 'auth/token/create', {
              policies: ['bootstrap'],
              ttl: '15m',
            })) as { auth: { client_token: string } }
          ).auth.client_token,
        });
        break;
      case 'Secret/vault-approle-issuer-token':
        if (!vault)
          throw new Error(
            'vault-approle-issuer-token without an external Vault',
          );
        await vaultApi(vault, 'PUT', 'sys/policies/acl/approle-issuer', {
          policy: fs.readFileSync(
            path.join(
              repoRoot,
              'deploy/k8s/components/approle-issuer/approle-issuer.hcl',
            ),
            'utf8',
          ),
        });
        secret(ref.name, {
          token: (
            (await vaultApi(vault, 'POST', 'auth/token/create-orphan', {
              policies: ['approle-issuer'],
              period: '168h',
            })) as { auth: { client_token: string } }
          ).auth.client_token,
        });
        break;
      case 'Secret/wallet-approle':
        // Production step 4 without the issuer component: the CD system delivers after the bootstrap.
        deliverAppRoleAfterBootstrap = true;
        break;
      default:
        unknown.push(id);
    }
  }
  if (unknown.length > 0)
    throw new Error(
      `the rendered overlay ${rendered.overlay} references ${unknown.join(', ')}, which deploy/README.md does not tell an operator to create`,
    );
  return { apiKey, adminApiKey, deliverAppRoleAfterBootstrap };
}

/** Secrets and ConfigMaps the workloads use (env, envFrom, volumes), in a stable order. */
export function referencedObjects(
  rendered: Rendered,
): Array<{ kind: 'ConfigMap' | 'Secret'; name: string }> {
  const seen = new Map<
    string,
    { kind: 'ConfigMap' | 'Secret'; name: string }
  >();
  const add = (kind: 'ConfigMap' | 'Secret', name: string | undefined) =>
    name && seen.set(`${kind}/${name}`, { kind, name });
  for (const w of rendered
    .of<Workload>('Deployment')
    .concat(rendered.of<Workload>('Job'))) {
    const spec = w.spec.template.spec;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) {
        add('ConfigMap', e.valueFrom?.configMapKeyRef?.name);
        add('Secret', e.valueFrom?.secretKeyRef?.name);
      }
      for (const e of c.envFrom ?? []) {
        add('ConfigMap', e.configMapRef?.name);
        add('Secret', e.secretRef?.name);
      }
    }
    for (const v of spec.volumes ?? []) {
      add('Secret', v.secret?.secretName);
      add('ConfigMap', v.configMap?.name);
      for (const s of v.projected?.sources ?? []) {
        add('Secret', s.secret?.name);
        add('ConfigMap', s.configMap?.name);
      }
    }
  }
  return [...seen.values()];
}

/** The operator's Vault for production: vault-dev over TLS, named and addressed like the manifests say. */
async function startOperatorVault(
  repoRoot: string,
  rendered: Rendered,
  baseDir: string,
  say: (l: string) => void,
): Promise<OperatorVault> {
  const conn = rendered
    .of<DataObject>('ConfigMap')
    .find((c) => c.metadata.name.startsWith('vault-connection'));
  const addr = conn?.data?.['VAULT_ADDR'];
  if (!addr)
    throw new Error(
      'the overlay runs no Vault and has no vault-connection VAULT_ADDR',
    );
  const url = new URL(addr);
  const port = await freePort();
  const cert = makeServerCertificate(path.join(baseDir, 'pki'), 'vault', [
    `DNS:${url.hostname}`,
    'IP:127.0.0.1',
  ]);
  const rootToken = `hvs.${hex(12)}`;
  const dir = fs.mkdtempSync(path.join(baseDir, 'operator-vault-'));
  const proc = startProcess(
    process.execPath,
    [
      path.join(repoRoot, 'apps/vault-dev/dist/main.js'),
      `--tls-cert-file=${cert.certFile}`,
      `--tls-key-file=${cert.keyFile}`,
    ],
    {
      cwd: dir,
      logFile: path.join(dir, 'vault.log'),
      env: {
        PATH: process.env['PATH'] ?? '',
        VAULT_DEV_LISTEN_ADDRESS: `127.0.0.1:${port}`,
        VAULT_DEV_ROOT_TOKEN_ID: rootToken,
        // Vault's identity (the OIDC issuer follows it) is the name the manifests use, not the local port.
        VAULT_API_ADDR: `${url.protocol}//${url.host}`,
      },
    },
  );
  const local = `https://127.0.0.1:${port}`;
  const vault: OperatorVault = {
    proc,
    url: local,
    rootToken,
    cert,
    host: url.hostname,
    port: Number(url.port || 443),
  };
  for (const until = Date.now() + 30_000; ; ) {
    if (proc.hasExited())
      throw new Error(
        `the operator's Vault (vault-dev over TLS) did not start:\n${indent(tail(proc.logFile))}`,
      );
    if (await probeOnce(`${local}/v1/sys/health`)) break;
    if (Date.now() > until)
      throw new Error(
        `the operator's Vault is not up:\n${indent(tail(proc.logFile))}`,
      );
    await delay(200);
  }
  say(`operator Vault (vault-dev, TLS) for ${addr} on ${local}`);
  return vault;
}

async function deliverAppRoleAsCd(
  api: FakeApiServer,
  vault: OperatorVault | undefined,
  say: (l: string) => void,
): Promise<void> {
  if (!vault)
    throw new Error('wallet-approle is not rendered and no issuer delivers it');
  const roleId = (
    (await vaultApi(vault, 'GET', 'auth/approle/role/wallet/role-id')) as {
      data: { role_id: string };
    }
  ).data.role_id;
  const secretId = (
    (await vaultApi(
      vault,
      'POST',
      'auth/approle/role/wallet/secret-id',
      {},
    )) as { data: { secret_id: string } }
  ).data.secret_id;
  api.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'wallet-approle' },
    type: 'Opaque',
    stringData: { role_id: roleId, secret_id: secretId },
  });
  say('wallet-approle delivered by the CD system (production step 4)');
}

async function vaultApi(
  vault: OperatorVault,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<unknown> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${vault.url}/v1/${apiPath}`,
      {
        method,
        ca: vault.cert.caPem,
        headers: {
          'x-vault-token': vault.rootToken,
          'content-type': 'application/json',
        },
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          (res.statusCode ?? 500) < 300
            ? resolve(text ? JSON.parse(text) : {})
            : reject(
                new Error(
                  `operator Vault ${method} ${apiPath}: HTTP ${res.statusCode} ${text}`,
                ),
              ),
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`operator Vault ${method} ${apiPath}: timeout`)),
    );
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** A free loopback port (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export { PodFailure };
