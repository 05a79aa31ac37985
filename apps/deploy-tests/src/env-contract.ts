import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './manifests';

export type Service = 'agent' | 'wallet' | 'cli';

export interface KnownEnv {
  keys: Set<string>;
  /** Where the list came from: the service's own config schema, or the documented contract. */
  source: string;
}

// Which sections of docs/configuration.md apply to which service (its headings name them).
const DOC_SECTIONS: { heading: RegExp; services: Service[] }[] = [
  { heading: /^Common to every service/, services: ['agent', 'wallet', 'cli'] },
  { heading: /^Vault connection/, services: ['agent', 'wallet', 'cli'] },
  { heading: /^Tenant JWT/, services: ['agent', 'wallet'] },
  { heading: /^Service tokens/, services: [] },
  { heading: /^Agent$/, services: ['agent'] },
  { heading: /^Wallet$/, services: ['wallet'] },
];

/**
 * Variables the documented configuration contract gives a service: the backticked upper-case
 * names in the first column of each table row; in the service-tokens table the second
 * column names the service.
 */
export function envKeysFromDocs(
  markdown: string,
  service: Service,
): Set<string> {
  const keys = new Set<string>();
  let services: Service[] = [];
  let isPerRow = false;
  for (const line of markdown.split('\n')) {
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) {
      const section = DOC_SECTIONS.find((entry) =>
        entry.heading.test(heading[1].trim()),
      );
      services = section?.services ?? [];
      isPerRow = section?.heading.source.includes('Service tokens') ?? false;
      continue;
    }
    if (!line.startsWith('|')) continue;
    const cells = line.split('|').map((cell) => cell.trim());
    const names = [...cells[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map(
      (match) => match[1],
    );
    const applies = isPerRow
      ? cells[2]?.split(/[ ,]+/).includes(service)
      : services.includes(service);
    if (applies) names.forEach((name) => keys.add(name));
  }
  return keys;
}

/**
 * The environment variables a service knows: ENV_KEYS exported by apps/<service>/src/config.ts
 * when that module exists, otherwise the tables of docs/configuration.md.
 */
export async function knownEnvKeys(service: Service): Promise<KnownEnv> {
  const configModule = path.join(
    REPO_ROOT,
    'apps',
    service,
    'src',
    'config.ts',
  );
  if (fs.existsSync(configModule)) {
    const loaded = (await import(configModule)) as {
      ENV_KEYS?: readonly string[];
    };
    if (Array.isArray(loaded.ENV_KEYS)) {
      return {
        keys: new Set(loaded.ENV_KEYS),
        source: `apps/${service}/src/config.ts ENV_KEYS`,
      };
    }
  }
  const docs = fs.readFileSync(
    path.join(REPO_ROOT, 'docs', 'configuration.md'),
    'utf8',
  );
  return {
    keys: envKeysFromDocs(docs, service),
    source: 'docs/configuration.md (no ENV_KEYS in the service yet)',
  };
}

/** Which service an image belongs to, by our image naming (secret-flows/<service>:<tag>). */
export function serviceOfImage(image: string): Service | undefined {
  // Any registry prefix: production names its registry (deploy/README.md, kustomize edit set image).
  const match = /^(?:[^/]+\/)*secret-flows\/(agent|wallet|cli)[:@]/.exec(image);
  return match ? (match[1] as Service) : undefined;
}
