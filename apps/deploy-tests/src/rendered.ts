import * as path from 'node:path';
import type { Json, Manifest } from './manifests';
import {
  K8S_DIR,
  findObject,
  kubectlStatus,
  kustomizeBuild,
  podSpecOf,
} from './manifests';

export const kubectl = kubectlStatus();
/** `it` when kubectl can render the overlays, `it.skip` (with the warning below) otherwise. */
export const itWithKubectl = kubectl.available ? it : it.skip;
if (!kubectl.available) {
  // Visible in the test output: the overlays are not rendered, only the raw base files are checked.
  console.warn(
    `SKIPPED: rendering the overlays with kubectl kustomize (${kubectl.reason}); the base files are still validated.`,
  );
}

// Who may reach Vault's port, per overlay: the wallet, the bootstrap Job and the gateway (its
// three auth routes; the path restriction lives in apisix.yaml since NetworkPolicy is L3/L4),
// plus, where present, the AppRole issuer Job and the dev Vault itself (JWT auth reads its own JWKS).
export const VAULT_CLIENTS_BASE = [
  'Deployment/gateway',
  'Deployment/wallet',
  'Job/vault-bootstrap',
];
// The AppRole issuer component: its Job and the secret_id rotation CronJob (same pod label, same
// NetworkPolicy). The wrapped variant drops the CronJob.
export const ISSUER_CLIENTS = [
  'Job/wallet-approle-issuer',
  'CronJob/wallet-secret-id-rotation',
];
export const VAULT_CLIENTS_DEV = [
  ...VAULT_CLIENTS_BASE,
  'Deployment/vault',
  ...ISSUER_CLIENTS,
];

export interface OverlayExpectation {
  dir: string;
  vaultClients: string[];
  minReplicas: number;
}

export const OVERLAYS: OverlayExpectation[] = [
  { dir: 'overlays/dev', vaultClients: VAULT_CLIENTS_DEV, minReplicas: 1 },
  {
    dir: 'overlays/dev-wrapped',
    vaultClients: VAULT_CLIENTS_DEV.filter((w) => !w.startsWith('CronJob/')),
    minReplicas: 1,
  },
  {
    dir: 'overlays/production',
    // Production includes the AppRole issuer component too (its Vault egress is an ipBlock).
    vaultClients: [...VAULT_CLIENTS_BASE, ...ISSUER_CLIENTS],
    minReplicas: 2,
  },
];

const cache = new Map<string, Manifest[]>();
/** The overlay rendered by `kubectl kustomize`, once per test file. */
export function render(dir: string): Manifest[] {
  if (!cache.has(dir)) cache.set(dir, kustomizeBuild(path.join(K8S_DIR, dir)));
  return cache.get(dir) ?? [];
}

/** A container of a rendered workload, by kind, name and container name. */
export function container(
  objects: Manifest[],
  kind: string,
  name: string,
  containerName = name,
): Json {
  const spec = podSpecOf(findObject(objects, kind, name)) ?? {};
  const found = ((spec.containers ?? []) as Json[]).find(
    (item) => item.name === containerName,
  );
  if (!found)
    throw new Error(`${kind}/${name} has no container ${containerName}`);
  return found;
}

export function envNames(item: Json): string[] {
  return ((item.env ?? []) as Json[]).map((entry) => entry.name as string);
}

export function envLiteral(item: Json, name: string): string | undefined {
  return ((item.env ?? []) as Json[]).find((entry) => entry.name === name)
    ?.value as string | undefined;
}
