import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Platform } from './start-platform';
import { writeSecretFile } from './layout';

/** What `npm start` tells the outside world (README.md): URLs and demo credentials. */
export interface PlatformInfo {
  phase: Platform['phase'];
  urls: Platform['urls'];
  apiKey: string;
  adminApiKey: string;
  vaultRootToken: string;
  tenants: Platform['tenants'];
}

export function platformInfo(platform: Platform): PlatformInfo {
  const { phase, urls, apiKey, adminApiKey, vaultRootToken, tenants } =
    platform;
  return { phase, urls, apiKey, adminApiKey, vaultRootToken, tenants };
}

/** The running platform's credentials for `npm run demo`, readable by the owner only. */
export function writePlatformFile(runDir: string, info: PlatformInfo): string {
  return writeSecretFile(
    path.join(runDir, 'platform.json'),
    `${JSON.stringify(info, null, 2)}\n`,
  );
}

export function readPlatformFile(runDir: string): PlatformInfo | undefined {
  const file = path.join(runDir, 'platform.json');
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PlatformInfo;
}

export function removePlatformFile(runDir: string): void {
  fs.rmSync(path.join(runDir, 'platform.json'), { force: true });
}

/** The human-readable summary `npm start` prints once everything is ready. */
export function describePlatform(info: PlatformInfo): string {
  const lines = [
    `Secret Flows is running — phase ${info.phase}`,
    '',
    `  gateway    ${info.urls.gateway}   (the only entry point for applications)`,
    `  agent      ${info.urls.agent}`,
    ...(info.urls.wallet ? [`  wallet     ${info.urls.wallet}`] : []),
    `  vault-dev  ${info.urls.vault}   (development server, not for production)`,
    '',
    `  API key (header apikey)        ${info.apiKey}`,
    `  admin key (x-admin-api-key)    ${info.adminApiKey}`,
    `  Vault root token               ${info.vaultRootToken}`,
    '',
    '  tenants:',
    ...info.tenants.map(
      (t) =>
        `    ${t.id}${t.username ? `  login ${t.username} / ${t.password}` : '  (no login: phases 1-2 use the API key only)'}`,
    ),
    '',
    `Try it: npm run demo -- --phase ${info.phase}        Stop: Ctrl-C`,
  ];
  return lines.join('\n');
}
