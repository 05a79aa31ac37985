import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PodSandbox, writeScript } from './container-run';
import type { Json } from './manifests';
import { findObject, podSpecOf } from './manifests';
import {
  OVERLAYS,
  container,
  envLiteral,
  itWithKubectl,
  render,
} from './rendered';

// The APISIX container's start command, run as a local shell script: the image's programs
// (apisix init, openresty) are stand-ins that record what they saw, and every mountPath is a
// temporary directory. What it must do comes from the official image's entrypoint
// (apache/apisix-docker, utils/docker-entrypoint.sh, "docker-start"): `apisix init`, remove
// logs/worker_events.sock and logs/stream_worker_events.sock, then exec openresty in the
// foreground. A socket left in logs/ (an emptyDir, kept across container restarts in the pod)
// otherwise makes the restarted openresty fail to bind it.

async function startGateway(dir: string, env: Record<string, string>) {
  const objects = render(dir);
  const gateway = findObject(objects, 'Deployment', 'gateway');
  const sandbox = new PodSandbox(objects, podSpecOf(gateway) as Json);
  const apisix = sandbox.container('apisix');
  const bin = path.join(sandbox.root, 'bin');
  const logs = sandbox.mapPaths(apisix, '/usr/local/apisix/logs');
  const record = path.join(sandbox.root, 'openresty-started');
  writeScript(bin, 'apisix', 'echo init >&2');
  // Records whether a stale socket was still there when openresty started.
  writeScript(
    bin,
    'openresty',
    `ls "${logs}" > "${record}"; echo "$@" >> "${record}"`,
  );
  fs.writeFileSync(path.join(logs, 'worker_events.sock'), '');
  fs.writeFileSync(path.join(logs, 'stream_worker_events.sock'), '');
  const result = await sandbox.run(
    apisix,
    [...(apisix.command as string[]), ...((apisix.args ?? []) as string[])],
    {
      extraEnv: env,
      rewrite: (arg) =>
        arg
          .replaceAll('/usr/bin/apisix', path.join(bin, 'apisix'))
          .replaceAll(
            '/usr/local/openresty/bin/openresty',
            path.join(bin, 'openresty'),
          ),
    },
  );
  const started = fs.existsSync(record)
    ? fs.readFileSync(record, 'utf8')
    : undefined;
  sandbox.cleanup();
  return { result, started };
}

describe.each(OVERLAYS)('the gateway container of $dir', ({ dir }) => {
  itWithKubectl(
    'removes stale worker-events sockets before it starts openresty in the foreground',
    async () => {
      const { result, started } = await startGateway(dir, {
        GATEWAY_DEMO_API_KEY: 'a-real-key',
      });
      expect(result.status).toBe(0);
      expect(started).toBeDefined();
      expect(started).not.toContain('worker_events.sock');
      expect(started).toContain('-g daemon off;');
    },
  );

  itWithKubectl(
    'refuses to start with an empty or blank consumer key, which key-auth would accept',
    async () => {
      for (const key of ['', '  ']) {
        const { result, started } = await startGateway(dir, {
          GATEWAY_DEMO_API_KEY: key,
        });
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain('GATEWAY_DEMO_API_KEY is empty');
        expect(started).toBeUndefined();
      }
    },
  );
});

describe('the gateway to Vault over TLS', () => {
  const vaultConnection = (dir: string) =>
    render(dir).find(
      (o) =>
        o.kind === 'ConfigMap' &&
        o.metadata.name.startsWith('vault-connection'),
    )?.data as Record<string, string>;

  itWithKubectl(
    'speaks http to the dev Vault and https to the production one, as VAULT_ADDR does',
    () => {
      for (const { dir } of OVERLAYS) {
        const data = vaultConnection(dir);
        expect(`${data.VAULT_UPSTREAM_SCHEME}:`).toBe(
          new URL(data.VAULT_ADDR).protocol,
        );
        const apisix = container(
          render(dir),
          'Deployment',
          'gateway',
          'apisix',
        );
        const scheme = ((apisix.env ?? []) as Json[]).find(
          (e) => e.name === 'VAULT_UPSTREAM_SCHEME',
        );
        expect(scheme?.valueFrom?.configMapKeyRef?.key).toBe(
          'VAULT_UPSTREAM_SCHEME',
        );
      }
    },
  );

  itWithKubectl(
    "verifies Vault's certificate against the mounted Vault CA in production",
    () => {
      const objects = render('overlays/production');
      const apisix = container(objects, 'Deployment', 'gateway', 'apisix');
      const caFile = envLiteral(apisix, 'GATEWAY_UPSTREAM_CA_FILE');
      const wallet = container(objects, 'Deployment', 'wallet');
      expect(caFile).toBe(envLiteral(wallet, 'VAULT_CACERT'));
      const mount = ((apisix.volumeMounts ?? []) as Json[]).find((m) =>
        (caFile ?? '').startsWith(`${m.mountPath as string}/`),
      );
      expect(mount?.readOnly).toBe(true);
      const volume = (
        (podSpecOf(findObject(objects, 'Deployment', 'gateway'))?.volumes ??
          []) as Json[]
      ).find((v) => v.name === mount?.name);
      expect(volume?.configMap?.name).toBe('vault-ca');
      // The APISIX node configuration reads the variable (config.yaml substitutes after parsing,
      // apisix/cli/file.lua resolve_conf_var); "system" is APISIX's own default.
      const config = objects.find(
        (o) =>
          o.kind === 'ConfigMap' &&
          o.metadata.name.startsWith('gateway-config'),
      );
      const node = parse(config?.data['config.yaml'] as string) as Json;
      expect(node.apisix.ssl.ssl_trusted_certificate).toBe(
        '${{GATEWAY_UPSTREAM_CA_FILE:=system}}',
      );
      expect(node.nginx_config.envs).toContain('VAULT_UPSTREAM_SCHEME');
      // dev keeps the system bundle (it reaches its Vault over http).
      expect(
        envLiteral(
          container(render('overlays/dev'), 'Deployment', 'gateway', 'apisix'),
          'GATEWAY_UPSTREAM_CA_FILE',
        ),
      ).toBeUndefined();
    },
  );
});
