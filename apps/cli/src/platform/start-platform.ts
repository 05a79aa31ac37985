import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateServiceKeyPair } from '@secret-flows/auth';
import {
  bootstrapVault,
  type BootstrapResult,
} from '../bootstrap/bootstrap-vault';
import { createDemoTenants, type DemoTenant } from './demo-tenants';
import { findFreePort, isPortFree } from './free-port';
import {
  DEFAULT_PORTS,
  entryPoint,
  findRepoRoot,
  randomSecret,
  unsealKeyFor,
  writeSecretFile,
  type Phase,
  type ServiceName,
} from './layout';
import { startServiceProcess, type ServiceProcess } from './service-process';

export interface PlatformOptions {
  phase: Phase;
  /** Keeps vault-dev's state across restarts (in memory otherwise). */
  dataDir?: string;
  /** Fixed ports; `0` picks a free one. Defaults: README.md. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Pick free ports for every service (tests, the benchmark). */
  ephemeralPorts?: boolean;
  /** Extra environment per service (log level, rate limits, timeouts in tests). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Where credentials and logs go; default `<repo>/.secret-flows/run` (mode 0700). */
  runDir?: string;
  readyTimeoutMs?: number;
  progress?: (line: string) => void;
}

export interface Platform {
  phase: Phase;
  urls: { gateway: string; agent: string; wallet?: string; vault: string };
  apiKey: string;
  adminApiKey: string;
  vaultRootToken: string;
  tenants: DemoTenant[];
  /** Public facts of the Vault bootstrap (issuer, client id, accessors): no secrets. */
  bootstrap: BootstrapResult;
  processes: Partial<Record<ServiceName, ServiceProcess>>;
  logFiles: Partial<Record<ServiceName, string>>;
  runDir: string;
  /**
   * Stops one service (if it still runs) and starts it again with the same environment, port and
   * arguments, appending to its log; resolves once it is ready (fault tests: a restarted Vault
   * with `dataDir` keeps its state).
   */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const JWKS_PATH = '/v1/identity/oidc/.well-known/keys';
const AGENT_CLIENT_ID = 'secret-flows-agent';

// The agent and the wallet keep ~22 MB live, but V8 sizes its default heap for this machine's
// memory and keeps what it grew under load; a limit keeps them near the 120 MB RSS budget
// as a container memory limit would in Kubernetes (docs/benchmarks.md).
const NODE_ARGS: Partial<Record<ServiceName, string[]>> = {
  agent: ['--max-old-space-size=96', '--max-semi-space-size=8'],
  wallet: ['--max-old-space-size=96', '--max-semi-space-size=8'],
};

/**
 * Starts vault-dev, bootstraps it for the phase, then the wallet (phases 3-4), the agent and
 * gateway-dev as separate processes, waiting for each to be ready.
 * @example const platform = await startPlatform({ phase: 4, ephemeralPorts: true }); await platform.stop();
 */
export async function startPlatform(
  options: PlatformOptions,
): Promise<Platform> {
  const repoRoot = findRepoRoot();
  const runDir = options.runDir ?? path.join(repoRoot, '.secret-flows', 'run');
  fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true, mode: 0o700 });
  const ports = await resolvePorts(options);
  const readyMs = options.readyTimeoutMs ?? 20_000;
  const say = options.progress ?? (() => undefined);
  const started: ServiceProcess[] = [];
  const processes: Platform['processes'] = {};
  const logFiles: Platform['logFiles'] = {};
  const url = (s: ServiceName) => `http://127.0.0.1:${ports[s]}`;
  const launched: Partial<
    Record<
      ServiceName,
      { env: Record<string, string>; readyUrl: string; args: string[] }
    >
  > = {};
  const launch = async (
    name: ServiceName,
    env: Record<string, string>,
    readyUrl: string,
    args: string[] = [],
    isRestart = false,
  ) => {
    const logFile = path.join(runDir, 'logs', `${name}.log`);
    if (!isRestart) fs.writeFileSync(logFile, '', { mode: 0o600 });
    const proc = startServiceProcess({
      name,
      script: entryPoint(repoRoot, name),
      nodeArgs: NODE_ARGS[name],
      args,
      env: { ...env, ...options.env?.[name] },
      logFile,
    });
    const previous = processes[name];
    if (previous) started.splice(started.indexOf(previous), 1, proc);
    else started.push(proc);
    processes[name] = proc;
    logFiles[name] = logFile;
    launched[name] = { env, readyUrl, args };
    await proc.waitReady(readyUrl, readyMs);
    say(`${name} ready on ${url(name)}`);
  };
  const restart = async (name: ServiceName) => {
    const spec = launched[name];
    if (!spec) throw new Error(`${name} is not part of this platform`);
    await processes[name]?.stop();
    await launch(name, spec.env, spec.readyUrl, spec.args, true);
  };
  const stop = async () => {
    for (const proc of [...started].reverse()) await proc.stop();
  };

  try {
    const vaultRootToken = `hvs.${randomSecret(24)}`;
    const vaultEnv: Record<string, string> = {
      VAULT_DEV_LISTEN_ADDRESS: `127.0.0.1:${ports.vault}`,
      VAULT_DEV_ROOT_TOKEN_ID: vaultRootToken,
    };
    if (options.dataDir)
      vaultEnv['VAULT_DEV_UNSEAL_KEY'] = unsealKeyFor(
        repoRoot,
        options.dataDir,
      );
    await launch(
      'vault',
      vaultEnv,
      `${url('vault')}/v1/sys/health`,
      options.dataDir ? ['--data-dir', options.dataDir] : [],
    );

    const bootstrap = await bootstrapVault({
      vaultAddr: url('vault'),
      token: vaultRootToken,
      phase: options.phase,
      outDir: path.join(runDir, 'vault'),
      agentClientId: AGENT_CLIENT_ID,
      specDir: path.join(repoRoot, 'deploy', 'vault'),
    });
    say(
      `vault bootstrapped for phase ${options.phase} (${bootstrap.changes.length} changes)`,
    );

    const apiKey = randomSecret();
    const adminApiKey = randomSecret();
    const files = writeRunFiles(runDir, { vaultRootToken, adminApiKey });
    const tenantJwtEnv: Record<string, string> = bootstrap.issuer
      ? {
          TENANT_JWT_JWKS_URL: `${url('vault')}${JWKS_PATH}`,
          TENANT_JWT_ISSUER: bootstrap.issuer,
          TENANT_JWT_AUDIENCE: bootstrap.clientId ?? AGENT_CLIENT_ID,
        }
      : {};
    const tenancy = options.phase === 4 ? 'multi' : 'single';

    if (options.phase >= 3) {
      const creds = bootstrap.credentials;
      if (!creds?.secretIdFile)
        throw new Error('bootstrap wrote no AppRole secret_id for the wallet');
      await launch(
        'wallet',
        {
          PORT: String(ports.wallet),
          VAULT_ADDR: url('vault'),
          VAULT_APPROLE_ROLE_ID_FILE: creds.roleIdFile,
          VAULT_APPROLE_SECRET_ID_FILE: creds.secretIdFile,
          SERVICE_JWT_PUBLIC_KEYS_FILE: files.serviceJwks,
          WALLET_TENANCY: tenancy,
          ...tenantJwtEnv,
        },
        `${url('wallet')}/_system/ready`,
      );
    }

    await launch(
      'agent',
      agentEnv(options.phase, {
        url,
        bootstrap,
        files,
        tenantJwtEnv,
        tenancy,
        vaultRootTokenFile: files.vaultRootToken,
      }),
      `${url('agent')}/_system/ready`,
    );

    await launch(
      'gateway',
      {
        PORT: String(ports.gateway),
        GATEWAY_CONFIG: path.join(repoRoot, 'deploy', 'apisix', 'apisix.yaml'),
        AGENT_UPSTREAM_HOST: '127.0.0.1',
        AGENT_UPSTREAM_PORT: String(ports.agent),
        VAULT_UPSTREAM_HOST: '127.0.0.1',
        VAULT_UPSTREAM_PORT: String(ports.vault),
        GATEWAY_DEMO_API_KEY: apiKey,
      },
      `${url('gateway')}/cloud-agent/_system/health?apikey=${encodeURIComponent(apiKey)}`,
    );

    const tenants = await createDemoTenants({
      phase: options.phase,
      gatewayUrl: url('gateway'),
      vaultUrl: url('vault'),
      vaultRootToken,
      apiKey,
      adminApiKey,
      userpassAccessor: bootstrap.accessors['userpass'],
    });
    return {
      phase: options.phase,
      urls: {
        gateway: url('gateway'),
        agent: url('agent'),
        ...(options.phase >= 3 ? { wallet: url('wallet') } : {}),
        vault: url('vault'),
      },
      apiKey,
      adminApiKey,
      vaultRootToken,
      tenants,
      bootstrap,
      processes,
      logFiles,
      runDir,
      restart,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

interface RunFiles {
  vaultRootToken: string;
  adminApiKey: string;
  servicePrivateKey: string;
  serviceKeyId: string;
  serviceJwks: string;
}

function writeRunFiles(
  runDir: string,
  secrets: { vaultRootToken: string; adminApiKey: string },
): RunFiles {
  const keys = generateServiceKeyPair();
  return {
    vaultRootToken: writeSecretFile(
      path.join(runDir, 'vault-root-token'),
      secrets.vaultRootToken,
    ),
    adminApiKey: writeSecretFile(
      path.join(runDir, 'admin-api-key'),
      secrets.adminApiKey,
    ),
    servicePrivateKey: writeSecretFile(
      path.join(runDir, 'agent-service-key.pem'),
      keys.privateKeyPem,
    ),
    serviceKeyId: keys.keyId,
    serviceJwks: writeSecretFile(
      path.join(runDir, 'service-jwks.json'),
      JSON.stringify({ keys: [keys.publicJwk] }),
    ),
  };
}

interface AgentEnvInput {
  url: (s: ServiceName) => string;
  bootstrap: BootstrapResult;
  files: RunFiles;
  tenantJwtEnv: Record<string, string>;
  tenancy: string;
  vaultRootTokenFile: string;
}

/** The agent's environment per phase: Vault credentials in phases 1-2 only (docs/architecture.md). */
function agentEnv(phase: Phase, input: AgentEnvInput): Record<string, string> {
  const base = {
    PORT: new URL(input.url('agent')).port,
    ADMIN_API_KEY_FILE: input.files.adminApiKey,
  };
  if (phase === 1) {
    return {
      ...base,
      AGENT_SECRET_BACKEND: 'vault',
      VAULT_ADDR: input.url('vault'),
      VAULT_TOKEN_FILE: input.vaultRootTokenFile,
    };
  }
  if (phase === 2) {
    const creds = input.bootstrap.credentials;
    if (!creds?.secretIdFile)
      throw new Error('bootstrap wrote no AppRole secret_id for the agent');
    return {
      ...base,
      AGENT_SECRET_BACKEND: 'vault',
      VAULT_ADDR: input.url('vault'),
      VAULT_APPROLE_ROLE_ID_FILE: creds.roleIdFile,
      VAULT_APPROLE_SECRET_ID_FILE: creds.secretIdFile,
    };
  }
  return {
    ...base,
    AGENT_SECRET_BACKEND: 'wallet',
    AGENT_TENANCY: input.tenancy,
    WALLET_URL: input.url('wallet'),
    SERVICE_JWT_PRIVATE_KEY_FILE: input.files.servicePrivateKey,
    SERVICE_JWT_KEY_ID: input.files.serviceKeyId,
    ...input.tenantJwtEnv,
  };
}

async function resolvePorts(
  options: PlatformOptions,
): Promise<Record<ServiceName, number>> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const name of Object.keys(ports) as ServiceName[]) {
    if (options.ephemeralPorts || ports[name] === 0) {
      ports[name] = await findFreePort();
    } else if (!(await isPortFree(ports[name]))) {
      throw new Error(
        `port ${ports[name]} (${name}) is already in use: stop what uses it, or pass --ephemeral-ports`,
      );
    }
  }
  return ports;
}
