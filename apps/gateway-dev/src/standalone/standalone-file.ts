import * as fs from 'node:fs';
import { GatewayConfigError } from './config-error';
import {
  emptyVariables,
  substituteText,
  type SubstitutionEnv,
} from './env-substitution';
import { parseLikeLyaml } from './lyaml';
import {
  apisixUpstreamSchema,
  consumerSchema,
  describeIssues,
  documentSchema,
  routeSchema,
  UNSUPPORTED_SECTIONS,
  upstreamSchema,
  type ConsumerConfig,
  type RouteConfig,
  type UpstreamConfig,
} from './standalone-schema';

/** A standalone file after the marker check, substitution and shape validation. */
export interface StandaloneConfig {
  readonly routes: readonly RouteConfig[];
  readonly upstreams: readonly UpstreamConfig[];
  readonly consumers: readonly ConsumerConfig[];
  /** Upstreams APISIX's schema refuses: APISIX drops them and routes using them answer 502. */
  readonly rejectedUpstreams: readonly RejectedUpstream[];
  /** Variables that were substituted by an empty string (named in error messages). */
  readonly emptyVariables: readonly string[];
}

/** An upstream dropped the way APISIX drops it, with the schema problem. */
export interface RejectedUpstream {
  readonly id: string;
  readonly reason: string;
}

// apisix/core/config_yaml.lua reads the last 10 bytes and requires `#END\s*$` there.
const END_MARKER = /#END\s*$/;

/** Checks the `#END` marker the way APISIX does (in the file's last 10 bytes). */
export function hasEndMarker(text: string): boolean {
  return END_MARKER.test(Buffer.from(text).subarray(-10).toString('latin1'));
}

/** Reads, substitutes and validates an APISIX standalone YAML file. */
export function readStandaloneFile(
  path: string,
  env: SubstitutionEnv,
): StandaloneConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(
      `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  return parseStandaloneText(text, env, path);
}

/** Same as readStandaloneFile for text already in memory; `source` names it in errors. */
export function parseStandaloneText(
  text: string,
  env: SubstitutionEnv,
  source = 'apisix.yaml',
): StandaloneConfig {
  if (!hasEndMarker(text)) {
    throw new GatewayConfigError(
      `${source}: missing valid end flag (#END) at the end of the file`,
    );
  }
  // apisix/core/config_yaml.lua: substitute in the raw text (comments too), then parse.
  const resolved = substituteText(text, env);
  let parsed: unknown;
  try {
    parsed = parseLikeLyaml(resolved);
  } catch (error) {
    throw new GatewayConfigError(
      `${source}: invalid YAML: ${(error as Error).message}`,
    );
  }
  const document = documentSchema.safeParse(parsed ?? {});
  if (!document.success)
    throw new GatewayConfigError(describeIssues(source, document.error));
  for (const section of UNSUPPORTED_SECTIONS) {
    const value: unknown = document.data[section];
    if (value !== undefined && value !== null && !isEmpty(value)) {
      throw new GatewayConfigError(
        `${source}: section "${section}" is not implemented by gateway-dev`,
      );
    }
  }
  const kept: { upstream: unknown; index: number }[] = [];
  const rejectedUpstreams: RejectedUpstream[] = [];
  for (const [index, upstream] of document.data.upstreams.entries()) {
    const checked = apisixUpstreamSchema.safeParse(upstream);
    if (checked.success) kept.push({ upstream, index });
    else {
      const id = objectName(upstream, 'id', index);
      rejectedUpstreams.push({
        id,
        reason: describeIssues(`upstream "${id}"`, checked.error),
      });
    }
  }
  return {
    routes: document.data.routes.map((route, index) =>
      validate(routeSchema, route, `route "${objectName(route, 'id', index)}"`),
    ),
    upstreams: kept.map(({ upstream, index }) =>
      validate(
        upstreamSchema,
        upstream,
        `upstream "${objectName(upstream, 'id', index)}"`,
      ),
    ),
    rejectedUpstreams,
    emptyVariables: emptyVariables(text, env),
    consumers: document.data.consumers.map((consumer, index) =>
      validate(
        consumerSchema,
        consumer,
        `consumer "${objectName(consumer, 'username', index)}"`,
      ),
    ),
  };
}

function validate<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: import('zod').ZodError };
  },
  value: unknown,
  where: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new GatewayConfigError(describeIssues(where, result.error));
  return result.data;
}

function objectName(value: unknown, field: string, index: number): string {
  const name = (value as Record<string, unknown> | null)?.[field];
  return typeof name === 'string' || typeof name === 'number'
    ? String(name)
    : `#${index}`;
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 0
  );
}
