import type { Json } from './manifests';

export interface StandaloneRoute {
  id: string;
  uri?: string;
  uris?: string[];
  methods?: string[];
  plugins?: Json;
  upstream_id?: string;
  vars?: unknown[];
}

export interface StandaloneConfig {
  routes: StandaloneRoute[];
  upstreams?: Json[];
  consumers?: Json[];
}

export interface ConfigVariable {
  name: string;
  hasDefault: boolean;
}

/**
 * The ${{VAR}} / ${{VAR:=default}} references in an APISIX yaml file. Comments count in
 * apisix.yaml (APISIX >= 3.17 substitutes in its raw text before parsing) but not in config.yaml
 * (substituted after parsing): `withComments: false` for the latter.
 */
export function configVariables(
  text: string,
  withComments = true,
): ConfigVariable[] {
  const found = new Map<string, boolean>();
  const scanned = withComments
    ? text
    : text
        .split('\n')
        .map((line) => line.replace(/(^|\s)#.*$/, ''))
        .join('\n');
  for (const match of scanned.matchAll(
    /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(:=[^}]*)?\}\}/g,
  )) {
    found.set(
      match[1],
      (found.get(match[1]) ?? false) || match[2] !== undefined,
    );
  }
  return [...found].map(([name, hasDefault]) => ({ name, hasDefault }));
}

/** Every plugin name a standalone file uses, on routes, consumers and global rules. */
export function pluginsUsed(
  config: StandaloneConfig & { global_rules?: Json[] },
): Set<string> {
  const holders: Json[] = [
    ...config.routes,
    ...(config.consumers ?? []),
    ...(config.global_rules ?? []),
  ];
  return new Set(
    holders.flatMap((holder) => Object.keys((holder.plugins ?? {}) as Json)),
  );
}

/** Whether the file ends with the #END marker without which APISIX ignores it. */
export function hasEndMarker(text: string): boolean {
  return /\n#END\s*$/.test(text);
}
