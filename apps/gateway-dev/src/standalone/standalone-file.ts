import * as fs from 'node:fs';
import { parse } from 'yaml';
import { GatewayConfigError } from './config-error';
import { substituteDocument, type SubstitutionEnv } from './env-substitution';
import {
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
}

// apisix/core/config_yaml.lua reads the last 10 bytes and requires `#END\s*$` there.
const END_MARKER = /#END\s*$/;

/** Checks the `#END` marker the way APISIX does (in the file's last 10 bytes). */
export function hasEndMarker(text: string): boolean {
  return END_MARKER.test(Buffer.from(text).subarray(-10).toString('latin1'));
}

/** Reads, substitutes and validates an APISIX standalone YAML file. */
export function readStandaloneFile(path: string, env: SubstitutionEnv): StandaloneConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(`cannot read ${path}: ${(error as Error).message}`);
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
    throw new GatewayConfigError(`${source}: missing valid end flag (#END) at the end of the file`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new GatewayConfigError(`${source}: invalid YAML: ${(error as Error).message}`);
  }
  const document = documentSchema.safeParse(substituteDocument(parsed ?? {}, env));
  if (!document.success) throw new GatewayConfigError(describeIssues(source, document.error));
  for (const section of UNSUPPORTED_SECTIONS) {
    const value: unknown = document.data[section];
    if (value !== undefined && value !== null && !isEmpty(value)) {
      throw new GatewayConfigError(`${source}: section "${section}" is not implemented by gateway-dev`);
    }
  }
  return {
    routes: document.data.routes.map((route, index) =>
      validate(routeSchema, route, `route "${objectName(route, 'id', index)}"`),
    ),
    upstreams: document.data.upstreams.map((upstream, index) =>
      validate(upstreamSchema, upstream, `upstream "${objectName(upstream, 'id', index)}"`),
    ),
    consumers: document.data.consumers.map((consumer, index) =>
      validate(consumerSchema, consumer, `consumer "${objectName(consumer, 'username', index)}"`),
    ),
  };
}

function validate<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  value: unknown,
  where: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new GatewayConfigError(describeIssues(where, result.error));
  return result.data;
}

function objectName(value: unknown, field: string, index: number): string {
  const name = (value as Record<string, unknown> | null)?.[field];
  return typeof name === 'string' || typeof name === 'number' ? String(name) : `#${index}`;
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
