import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayConfigError } from './config-error';
import { substituteDocument, type SubstitutionEnv } from './env-substitution';
import { parseLikeLyaml } from './lyaml';

/**
 * What gateway-dev takes from APISIX's node configuration (conf/config.yaml), with APISIX
 * 3.18's defaults (apisix/cli/config.lua) where the file says nothing.
 */
export interface NodeConfig {
  /** The file read, or undefined when none was found (APISIX's defaults apply). */
  readonly source: string | undefined;
  readonly upstreamTls: UpstreamTlsSettings;
  readonly http: HttpLimits;
}

/**
 * How https upstreams are checked. APISIX 3.18's nginx template sets
 * `proxy_ssl_trusted_certificate` from `apisix.ssl.ssl_trusted_certificate` (default "system")
 * and `proxy_ssl_server_name on; proxy_ssl_name $upstream_host` (`nginx_config.http.
 * proxy_ssl_server_name`, default true), but never `proxy_ssl_verify`, whose nginx default is
 * off: the certificate is verified only when a configuration snippet turns it on.
 */
export interface UpstreamTlsSettings {
  /** nginx `proxy_ssl_verify` (default off). */
  readonly verify: boolean;
  /** PEM of `ssl_trusted_certificate`, or undefined for "system" (Node's root store). */
  readonly ca: string | undefined;
  /** `nginx_config.http.proxy_ssl_server_name`: send the SNI. */
  readonly sendServerName: boolean;
}

/** nginx client-side limits of `nginx_config.http` (apisix/cli/config.lua defaults). */
export interface HttpLimits {
  /** `client_max_body_size` in bytes; 0 = no limit (APISIX's default). */
  readonly clientMaxBodySize: number;
  readonly clientHeaderTimeoutMs: number;
  readonly clientBodyTimeoutMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly sendTimeoutMs: number;
}

/** APISIX 3.18 defaults (apisix/cli/config.lua `nginx_config.http`, `apisix.ssl`). */
export const APISIX_DEFAULTS = {
  ssl_trusted_certificate: 'system',
  client_max_body_size: 0,
  client_header_timeout: '60s',
  client_body_timeout: '60s',
  keepalive_timeout: '60s',
  send_timeout: '10s',
  proxy_ssl_server_name: true,
} as const;

/** The node configuration next to apisix.yaml (as in APISIX's conf/), unless given explicitly. */
export function nodeConfigPathFor(
  standalonePath: string,
  configured: string | undefined,
): string | undefined {
  if (configured) return configured;
  const sibling = path.join(path.dirname(standalonePath), 'config.yaml');
  return fs.existsSync(sibling) ? sibling : undefined;
}

/** Reads config.yaml like apisix/cli/file.lua `read_yaml_conf` does (parse, then resolve ${{VAR}}). */
export function readNodeConfig(
  file: string | undefined,
  env: SubstitutionEnv,
  cwd = process.cwd(),
): NodeConfig {
  if (file === undefined) return parseNodeConfig(undefined, {}, cwd);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(
      `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseLikeLyaml(text);
  } catch (error) {
    throw new GatewayConfigError(
      `${file}: invalid YAML: ${(error as Error).message}`,
    );
  }
  return parseNodeConfig(file, substituteDocument(parsed ?? {}, env), cwd);
}

function parseNodeConfig(
  source: string | undefined,
  document: unknown,
  cwd: string,
): NodeConfig {
  const where = source ?? 'config.yaml';
  const apisix = objectAt(document, 'apisix');
  const ssl = objectAt(apisix, 'ssl');
  const nginx = objectAt(document, 'nginx_config');
  const http = objectAt(nginx, 'http');
  const snippets = [
    'http_configuration_snippet',
    'http_server_configuration_snippet',
  ]
    .map((key) => nginx?.[key])
    .filter((value): value is string => typeof value === 'string')
    .join('\n');

  const trusted =
    ssl?.['ssl_trusted_certificate'] ?? APISIX_DEFAULTS.ssl_trusted_certificate;
  if (typeof trusted !== 'string')
    throw new GatewayConfigError(
      `${where}: apisix.ssl.ssl_trusted_certificate must be a string`,
    );
  let ca: string | undefined;
  if (trusted !== 'system') {
    // apisix/cli/file.lua: the path is made absolute from the working directory, and APISIX
    // refuses to start when it does not exist.
    const absolute = path.resolve(cwd, trusted);
    try {
      ca = fs.readFileSync(absolute, 'utf8');
    } catch {
      throw new GatewayConfigError(
        `${where}: certificate path ${absolute} doesn't exist`,
      );
    }
  }
  const serverName =
    http?.['proxy_ssl_server_name'] ?? APISIX_DEFAULTS.proxy_ssl_server_name;
  return {
    source,
    upstreamTls: {
      verify: lastDirective(snippets, 'proxy_ssl_verify') === 'on',
      ca,
      sendServerName: serverName !== false,
    },
    http: {
      clientMaxBodySize: nginxSize(
        http?.['client_max_body_size'] ?? APISIX_DEFAULTS.client_max_body_size,
        where,
      ),
      clientHeaderTimeoutMs: nginxTime(
        http?.['client_header_timeout'] ??
          APISIX_DEFAULTS.client_header_timeout,
        where,
      ),
      clientBodyTimeoutMs: nginxTime(
        http?.['client_body_timeout'] ?? APISIX_DEFAULTS.client_body_timeout,
        where,
      ),
      keepaliveTimeoutMs: nginxTime(
        http?.['keepalive_timeout'] ?? APISIX_DEFAULTS.keepalive_timeout,
        where,
      ),
      sendTimeoutMs: nginxTime(
        http?.['send_timeout'] ?? APISIX_DEFAULTS.send_timeout,
        where,
      ),
    },
  };
}

function objectAt(
  value: unknown,
  key: string,
): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const child = (value as Record<string, unknown>)[key];
  return child !== null && typeof child === 'object'
    ? (child as Record<string, unknown>)
    : undefined;
}

/** The argument of the last `name value;` directive in nginx snippets (later ones win). */
function lastDirective(snippets: string, name: string): string | undefined {
  const pattern = new RegExp(`(?:^|[;{}\\s])${name}\\s+([^;\\s]+)\\s*;`, 'g');
  let value: string | undefined;
  for (const line of snippets.split('\n')) {
    const code = line.replace(/#.*$/, '');
    for (const match of code.matchAll(pattern)) value = match[1];
  }
  return value;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 * 1024,
  g: 1024 * 1024 * 1024,
};

/** nginx size syntax: `0`, `1024`, `8k`, `20m`, `1g` (ngx_parse_size). */
export function nginxSize(value: unknown, where: string): number {
  const match = /^(\d+)([kKmMgG]?)$/.exec(String(value).trim());
  if (!match)
    throw new GatewayConfigError(
      `${where}: invalid nginx size "${String(value)}"`,
    );
  return Number(match[1]) * (SIZE_UNITS[match[2].toLowerCase()] ?? 1);
}

const TIME_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  '': 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** nginx time syntax: `60s`, `500ms`, `1m`, `1m30s`; a bare number is seconds (ngx_parse_time). */
export function nginxTime(value: unknown, where: string): number {
  const text = String(value).trim();
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new GatewayConfigError(`${where}: invalid nginx time "${text}"`);
  }
  return parts.reduce(
    (total, [, amount, unit]) =>
      total + Number(amount) * (TIME_UNITS[unit] ?? 1000),
    0,
  );
}
