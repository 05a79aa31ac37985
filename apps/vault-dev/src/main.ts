/**
 * The vault-dev process: config, start, banner, clean stop on SIGTERM/SIGINT.
 */
import { pino } from 'pino';
import { loadConfig } from './config';
import { startVaultDev, StateKeyError } from './server';

function banner(
  server: {
    address: string;
    rootToken: string;
    unsealKey: string;
    unsealKeyGenerated: boolean;
    caCertFile?: string;
  },
  options: {
    dataDir: string | undefined;
    isRootTokenGiven: boolean;
    tlsCertFile?: string;
  },
): string {
  const { dataDir } = options;
  const lines = [
    '',
    '==> vault-dev: a Vault-API-compatible DEVELOPMENT server. NOT FOR PRODUCTION USE.',
    '    It keeps everything in memory unless --data-dir is given, and trusts whoever holds the root token.',
    '',
    `    Api Address: ${server.address}`,
    // A token the caller chose is already known to it; echoing it would only copy it into log
    // files (the platform launcher keeps every service's output), so only a generated one is shown.
    `    Root Token:  ${options.isRootTokenGiven ? '(as given in VAULT_DEV_ROOT_TOKEN_ID)' : server.rootToken}`,
  ];
  if (dataDir) {
    lines.push(`    Data Dir:    ${dataDir}`);
    if (server.unsealKeyGenerated) {
      lines.push(
        `    Unseal Key:  ${server.unsealKey}`,
        '    Keep this key: restarts with this --data-dir need it in VAULT_DEV_UNSEAL_KEY.',
      );
    }
  } else {
    lines.push(`    Unseal Key:  ${server.unsealKey}`);
  }
  if (server.caCertFile) lines.push(`    CA Cert:     ${server.caCertFile}`);
  else if (options.tlsCertFile)
    lines.push(
      `    TLS Cert:    ${options.tlsCertFile} (trust the CA that signed it)`,
    );
  lines.push('', `    export VAULT_ADDR='${server.address}'`);
  // As `vault server -dev-tls` prints it: the generated CA is what clients must trust.
  if (server.caCertFile)
    lines.push(`    export VAULT_CACERT='${server.caCertFile}'`);
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, process.argv.slice(2));
  const logger = pino({ level: config.logLevel, name: 'vault-dev' });
  let server;
  try {
    server = await startVaultDev({
      host: config.host,
      port: config.port,
      rootToken: config.rootTokenId,
      dataDir: config.dataDir,
      unsealKey: config.unsealKey,
      apiAddress: config.apiAddress,
      tls: config.tls,
      logger,
    });
  } catch (err) {
    if (err instanceof StateKeyError) {
      process.stderr.write(`vault-dev: refusing to start: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // The banner is the dev-mode contract (like `vault server -dev`): it prints a generated root token on purpose.
  const tlsCertFile =
    config.tls && typeof config.tls === 'object' && 'certFile' in config.tls
      ? config.tls.certFile
      : undefined;
  process.stdout.write(
    banner(server, {
      dataDir: config.dataDir,
      isRootTokenGiven: config.rootTokenId !== undefined,
      tlsCertFile,
    }),
  );
  const running = server;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    timer.unref();
    void running.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`vault-dev: ${(err as Error).message}\n`);
  process.exit(1);
});
