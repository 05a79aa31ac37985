/**
 * Policy text (HCL or JSON) -> path rules (Vault: vault/policy.go), with Vault's validation
 * messages. Templated paths stay unresolved here; the ACL resolves them per request.
 */
import {
  HclSyntaxError,
  parseHcl,
  type HclObject,
  type HclValue,
} from './hcl-parser';

export const CAPABILITIES = [
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'sudo',
  'deny',
  'subscribe',
  'scan',
] as const;

const PATH_KEYS = new Set([
  'capabilities',
  'policy',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'comment',
  'expiration',
  'pagination_limit',
]);

const LEGACY: Record<string, string[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'patch', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'],
};

/** Parameter constraints of a path block; a key with `[]` means any value. */
export interface ParameterRules {
  allowed?: Record<string, unknown[]>;
  denied?: Record<string, unknown[]>;
  required?: string[];
}

export interface PathRule {
  /** The pattern as written, leading `/` removed (`secret/data/+/x*`). */
  pattern: string;
  capabilities: Set<string>;
  templated: boolean;
  parameters: ParameterRules;
}

export interface Policy {
  name: string;
  text: string;
  rules: PathRule[];
}

export class PolicyParseError extends Error {}

function fail(message: string): never {
  throw new PolicyParseError(`failed to parse policy: ${message}`);
}

function asBlocks(value: HclValue | HclValue[]): HclObject[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      fail('path block must be an object');
    return v;
  });
}

function capabilitiesOf(pattern: string, block: HclObject): string[] {
  for (const key of Object.keys(block))
    if (!PATH_KEYS.has(key)) fail(`path "${pattern}": invalid key "${key}"`);
  const caps: string[] = [];
  const legacy = block['policy'];
  if (legacy !== undefined) {
    if (typeof legacy !== 'string' || !(legacy in LEGACY))
      fail(`path "${pattern}": invalid policy "${String(legacy)}"`);
    caps.push(...LEGACY[legacy]);
  }
  const raw = block['capabilities'];
  if (raw !== undefined) {
    const list = Array.isArray(raw) ? raw.flat() : [raw];
    for (const c of list) {
      if (
        typeof c !== 'string' ||
        !(CAPABILITIES as readonly string[]).includes(c)
      ) {
        fail(`path "${pattern}": invalid capability "${String(c)}"`);
      }
      caps.push(c);
    }
  }
  return caps;
}

function parameterMap(
  pattern: string,
  key: string,
  raw: unknown,
): Record<string, unknown[]> {
  const blocks = Array.isArray(raw) ? raw : [raw];
  const out: Record<string, unknown[]> = {};
  for (const block of blocks) {
    if (block === null || typeof block !== 'object' || Array.isArray(block))
      fail(`path "${pattern}": ${key} must be a map`);
    for (const [name, values] of Object.entries(
      block as Record<string, unknown>,
    )) {
      const list = Array.isArray(values) ? values.flat() : [values];
      out[name.toLowerCase()] = [...(out[name.toLowerCase()] ?? []), ...list];
    }
  }
  return out;
}

function parametersOf(pattern: string, block: HclObject): ParameterRules {
  const rules: ParameterRules = {};
  if (block['allowed_parameters'] !== undefined)
    rules.allowed = parameterMap(
      pattern,
      'allowed_parameters',
      block['allowed_parameters'],
    );
  if (block['denied_parameters'] !== undefined)
    rules.denied = parameterMap(
      pattern,
      'denied_parameters',
      block['denied_parameters'],
    );
  const required = block['required_parameters'];
  if (required !== undefined) {
    const list = Array.isArray(required) ? required.flat() : [required];
    if (list.some((r) => typeof r !== 'string'))
      fail(`path "${pattern}": required_parameters must be a list of strings`);
    rules.required = list as string[];
  }
  return rules;
}

/** Unions the constraints of identical patterns (an empty value list means "any value"). */
export function mergeParameters(
  a: ParameterRules,
  b: ParameterRules,
): ParameterRules {
  const mergeMap = (
    x?: Record<string, unknown[]>,
    y?: Record<string, unknown[]>,
  ): Record<string, unknown[]> | undefined => {
    if (!x || !y) return x ?? y;
    const out: Record<string, unknown[]> = { ...x };
    for (const [k, v] of Object.entries(y))
      out[k] =
        k in out && out[k].length > 0 && v.length > 0
          ? [...out[k], ...v]
          : k in out
            ? []
            : v;
    return out;
  };
  const required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return {
    allowed: mergeMap(a.allowed, b.allowed),
    denied: mergeMap(a.denied, b.denied),
    required: required.length > 0 ? required : undefined,
  };
}

/** Rejects `{{` without `}}` and the like, as Vault does at policy write. */
export function validateTemplating(pattern: string): boolean {
  const opens = pattern.split('{{').length - 1;
  const closes = pattern.split('}}').length - 1;
  if (opens !== closes || /}}[^{]*}}|{{[^}]*{{/.test(pattern)) {
    throw new PolicyParseError(
      'failed to validate policy templating: unbalanced templating characters',
    );
  }
  return opens > 0;
}

function parseText(text: string): HclObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (json === null || typeof json !== 'object' || Array.isArray(json))
        fail('policy must be an object');
      return json as HclObject;
    } catch (err) {
      if (err instanceof PolicyParseError) throw err;
      // HCL is a superset of JSON in spirit; fall through to the HCL parser for its message.
    }
  }
  try {
    return parseHcl(text);
  } catch (err) {
    if (err instanceof HclSyntaxError) fail(err.message);
    throw err;
  }
}

/** Parses a policy; identical patterns inside one policy are unioned. */
export function parsePolicy(name: string, text: string): Policy {
  const root = parseText(text);
  for (const key of Object.keys(root))
    if (key !== 'name' && key !== 'path')
      fail(`invalid key "${key}" on line 1`);
  const byPattern = new Map<string, PathRule>();
  const paths = root['path'];
  const groups =
    paths === undefined ? [] : Array.isArray(paths) ? paths : [paths];
  for (const group of groups) {
    if (group === null || typeof group !== 'object' || Array.isArray(group))
      fail('path must be an object');
    for (const [rawPattern, blocks] of Object.entries(group)) {
      const pattern = rawPattern.replace(/^\/+/, '');
      if (pattern.includes('+*'))
        fail(
          `path "${rawPattern}": path segment wildcards cannot be used with a glob`,
        );
      if (
        pattern.indexOf('*') !== -1 &&
        pattern.indexOf('*') !== pattern.length - 1
      )
        fail(`path "${rawPattern}": invalid use of wildcard`);
      const templated = validateTemplating(pattern);
      const rule = byPattern.get(pattern) ?? {
        pattern,
        capabilities: new Set<string>(),
        templated,
        parameters: {},
      };
      for (const block of asBlocks(blocks)) {
        for (const c of capabilitiesOf(rawPattern, block))
          rule.capabilities.add(c);
        rule.parameters = mergeParameters(
          rule.parameters,
          parametersOf(rawPattern, block),
        );
      }
      byPattern.set(pattern, rule);
    }
  }
  return { name, text, rules: [...byPattern.values()] };
}
