import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createVaultClient,
  tokenAuth,
  type VaultClient,
  type VaultLogger,
} from '@secret-flows/vault-client';
import { configureIdentity, configureJwt, sameSet } from './configure-identity';
import {
  writeAppRoleCredentials,
  writePrivateFile,
  type CredentialFiles,
} from './credential-files';
import { durationSeconds } from './duration';
import { findSpecDir, loadSpec, type Phase, type PhaseSpec } from './spec-file';

export interface BootstrapOptions {
  vaultAddr: string;
  /** Admin token (root locally; a `bootstrap`-policy token in Kubernetes). Never logged. */
  token: string;
  phase: Phase;
  /** Where role_id / secret_id files and the summary go; no files when omitted. */
  outDir?: string;
  /** Directory holding bootstrap.yaml and policies/ (default: the repository's deploy/vault). */
  specDir?: string;
  wrapSecretId?: boolean;
  /** TTL of a wrapped secret_id (default 600 s). */
  wrapTtlSeconds?: number;
  /** The agent's client id = `aud` of tenant JWTs. */
  agentClientId?: string;
  /** The JWKS URL Vault itself can reach (default `<vaultAddr>/v1/identity/oidc/.well-known/keys`). */
  jwksUrl?: string;
  namespace?: string;
  /** CA of Vault's certificate (the VAULT_CACERT file's contents); also the JWT auth method's `jwks_ca_pem` for an https JWKS URL. */
  caCertPem?: string;
  timeoutMs?: number;
  logger?: VaultLogger;
}

export interface BootstrapResult {
  phase: Phase;
  /** False when Vault already matched the spec and nothing was written. */
  changed: boolean;
  changes: string[];
  /** Auth mount accessors by path (`approle`, `userpass`, `jwt`). */
  accessors: Record<string, string>;
  clientId?: string;
  issuer?: string;
  jwksUrl?: string;
  credentials?: CredentialFiles;
  summaryFile?: string;
}

/**
 * Configures a Vault for one phase from deploy/vault, idempotently, with documented API only.
 * @example await bootstrapVault({ vaultAddr, token, phase: 4, outDir: '.secret-flows/vault' })
 */
export async function bootstrapVault(
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const specDir =
    options.specDir ?? findSpecDir(__dirname) ?? findSpecDir(process.cwd());
  if (!specDir)
    throw new Error('cannot find deploy/vault/bootstrap.yaml; pass --spec-dir');
  const spec = loadSpec(specDir, options.phase);
  const vault = createVaultClient({
    address: options.vaultAddr,
    namespace: options.namespace,
    caCertPem: options.caCertPem,
    timeoutMs: options.timeoutMs,
    auth: tokenAuth(options.token),
    logger: options.logger,
  });
  try {
    await vault.login();
    return await apply(vault, spec, options);
  } finally {
    await vault.stop();
  }
}

async function apply(
  vault: VaultClient,
  spec: PhaseSpec,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const changes: string[] = [];
  for (const m of spec.mounts) {
    const { changed } = await vault.sys.enableSecretsEngine(m.path, {
      type: m.type,
      options: m.options,
      description: m.description,
    });
    if (changed)
      changes.push(
        `enabled secrets engine ${m.path}/ (${m.type}${m.options?.['version'] ? ` v${m.options['version']}` : ''})`,
      );
  }
  for (const a of spec.authMethods) {
    const { changed } = await vault.sys.enableAuthMethod(a.path, {
      type: a.type,
      description: a.description,
    });
    if (changed) changes.push(`enabled auth method ${a.path}/`);
    if (a.userLockout)
      await applyUserLockout(vault, a.path, a.userLockout.disable, changes);
  }
  const accessors = Object.fromEntries(
    Object.entries(await vault.sys.listAuthMethods()).map(([p, m]) => [
      p.replace(/\/$/, ''),
      m.accessor,
    ]),
  );
  await applyPolicies(vault, spec, accessors, changes);
  const result: BootstrapResult = {
    phase: spec.phase,
    changed: false,
    changes,
    accessors,
  };
  if (spec.identity)
    Object.assign(
      result,
      await configureIdentity(
        vault,
        spec.identity,
        options.agentClientId,
        changes,
      ),
    );
  if (spec.jwt && result.clientId && result.issuer) {
    result.jwksUrl =
      options.jwksUrl ??
      `${options.vaultAddr.replace(/\/+$/, '')}/v1/identity/oidc/.well-known/keys`;
    // Vault reaches its own JWKS with the certificate the bootstrap just trusted: over https,
    // hand it the same CA (VAULT_CACERT), or it trusts only the system CAs and refuses the URL.
    const jwksCaPem = result.jwksUrl.startsWith('https:')
      ? options.caCertPem
      : undefined;
    await configureJwt(
      vault,
      spec.jwt,
      {
        jwksUrl: result.jwksUrl,
        jwksCaPem,
        issuer: result.issuer,
        clientId: result.clientId,
      },
      changes,
    );
  }
  if (spec.approleRole) await applyAppRole(vault, spec.approleRole, changes);
  if (options.outDir && spec.approleRole) {
    const wrapTtlSeconds = options.wrapTtlSeconds ?? 600;
    result.credentials = await writeAppRoleCredentials(
      vault,
      {
        role: spec.approleRole.name,
        outDir: options.outDir,
        wrap: !!options.wrapSecretId,
        wrapTtlSeconds,
      },
      changes,
    );
  }
  if (options.outDir)
    result.summaryFile = writeSummary(options, result, changes);
  result.changed = changes.length > 0;
  return result;
}

async function applyPolicies(
  vault: VaultClient,
  spec: PhaseSpec,
  accessors: Record<string, string>,
  changes: string[],
) {
  for (const p of spec.policies) {
    const text = renderPolicy(
      p.text,
      accessors,
      spec.jwt?.mount ?? 'jwt',
      p.name,
    );
    if ((await vault.sys.readPolicy(p.name))?.trim() === text.trim()) continue;
    await vault.sys.writePolicy(p.name, text);
    changes.push(`wrote policy ${p.name}`);
  }
}

/** Replaces `{{jwt_accessor}}`; a policy that needs it without a jwt mount is a spec error. */
export function renderPolicy(
  text: string,
  accessors: Record<string, string>,
  jwtMount: string,
  name: string,
): string {
  if (!text.includes('{{jwt_accessor}}')) return text;
  const accessor = accessors[jwtMount];
  if (!accessor)
    throw new Error(
      `policy ${name} needs the accessor of auth/${jwtMount}, which is not enabled in this phase`,
    );
  return text.replaceAll('{{jwt_accessor}}', accessor);
}

async function applyAppRole(
  vault: VaultClient,
  role: NonNullable<PhaseSpec['approleRole']>,
  changes: string[],
) {
  const approle = vault.auth.approle();
  const wanted = {
    tokenPolicies: role.tokenPolicies,
    tokenTtl: durationSeconds(role.tokenTtl),
    tokenMaxTtl: durationSeconds(role.tokenMaxTtl),
    secretIdTtl: durationSeconds(role.secretIdTtl),
    secretIdNumUses: role.secretIdNumUses,
  };
  const existing = await approle.readRole(role.name);
  const same =
    existing &&
    sameSet(existing.tokenPolicies ?? [], wanted.tokenPolicies) &&
    existing.tokenTtl === wanted.tokenTtl &&
    existing.tokenMaxTtl === wanted.tokenMaxTtl &&
    existing.secretIdTtl === wanted.secretIdTtl &&
    existing.secretIdNumUses === wanted.secretIdNumUses;
  if (same) return;
  await approle.writeRole(role.name, wanted);
  changes.push(
    `${existing ? 'updated' : 'created'} AppRole role ${role.name} (policies ${wanted.tokenPolicies.join(', ')})`,
  );
}

function writeSummary(
  options: BootstrapOptions,
  result: BootstrapResult,
  changes: string[],
): string {
  const outDir = options.outDir as string;
  // Phase 1 has no AppRole credentials, so nothing else has created the directory yet.
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const file = path.join(outDir, 'bootstrap-summary.json');
  // No secrets here: file paths, accessors and public identifiers for the launcher.
  const summary = {
    phase: result.phase,
    vaultAddr: options.vaultAddr,
    kvMount: 'secret',
    clientId: result.clientId,
    issuer: result.issuer,
    jwksUrl: result.issuer ? `${result.issuer}/.well-known/keys` : undefined,
    jwtAuthJwksUrl: result.jwksUrl,
    accessors: result.accessors,
    approle: result.credentials,
  };
  if (writePrivateFile(file, `${JSON.stringify(summary, null, 2)}\n`))
    changes.push(`wrote ${file}`);
  return file;
}

/** Tunes the mount's user lockout only when Vault's tune read differs (idempotent). */
async function applyUserLockout(
  vault: VaultClient,
  mountPath: string,
  disable: boolean,
  changes: string[],
): Promise<void> {
  const tune = await vault.sys.readAuthTune(mountPath);
  if (tune['user_lockout_disable'] === disable) return;
  await vault.sys.tuneAuthMethod(mountPath, {
    user_lockout_config: { lockout_disable: disable },
  });
  changes.push(
    `${disable ? 'disabled' : 'enabled'} user lockout on ${mountPath}/`,
  );
}
