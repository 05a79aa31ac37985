/**
 * Policy text (HCL or JSON) -> path rules (reference §6), with Vault's validation
 * messages. Templated paths stay unresolved here; the ACL resolves them per request.
 */
import { HclSyntaxError, parseHcl, type HclObject, type HclValue } from './hcl-parser';

export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'subscribe', 'scan'] as const;

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

export interface PathRule {
  /** The pattern as written, leading `/` removed (`secret/data/+/x*`). */
  pattern: string;
  capabilities: Set<string>;
  templated: boolean;
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
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail('path block must be an object');
    return v;
  });
}

function capabilitiesOf(pattern: string, block: HclObject): string[] {
  for (const key of Object.keys(block)) if (!PATH_KEYS.has(key)) fail(`path "${pattern}": invalid key "${key}"`);
  const caps: string[] = [];
  const legacy = block['policy'];
  if (legacy !== undefined) {
    if (typeof legacy !== 'string' || !(legacy in LEGACY)) fail(`path "${pattern}": invalid policy "${String(legacy)}"`);
    caps.push(...LEGACY[legacy]);
  }
  const raw = block['capabilities'];
  if (raw !== undefined) {
    const list = Array.isArray(raw) ? raw.flat() : [raw];
    for (const c of list) {
      if (typeof c !== 'string' || !(CAPABILITIES as readonly string[]).includes(c)) {
        fail(`path "${pattern}": invalid capability "${String(c)}"`);
      }
      caps.push(c);
    }
  }
  return caps;
}

/** Rejects `{{` without `}}` and the like, as Vault does at policy write. */
export function validateTemplating(pattern: string): boolean {
  const opens = pattern.split('{{').length - 1;
  const closes = pattern.split('}}').length - 1;
  if (opens !== closes || /}}[^{]*}}|{{[^}]*{{/.test(pattern)) {
    throw new PolicyParseError('failed to validate policy templating: unbalanced templating characters');
  }
  return opens > 0;
}

function parseText(text: string): HclObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json: unknown = JSON.parse(trimmed);
      if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('policy must be an object');
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
  for (const key of Object.keys(root)) if (key !== 'name' && key !== 'path') fail(`invalid key "${key}" on line 1`);
  const byPattern = new Map<string, PathRule>();
  const paths = root['path'];
  const groups = paths === undefined ? [] : Array.isArray(paths) ? paths : [paths];
  for (const group of groups) {
    if (group === null || typeof group !== 'object' || Array.isArray(group)) fail('path must be an object');
    for (const [rawPattern, blocks] of Object.entries(group)) {
      const pattern = rawPattern.replace(/^\/+/, '');
      if (pattern.includes('+*')) fail(`path "${rawPattern}": path segment wildcards cannot be used with a glob`);
      if (pattern.indexOf('*') !== -1 && pattern.indexOf('*') !== pattern.length - 1) fail(`path "${rawPattern}": invalid use of wildcard`);
      const templated = validateTemplating(pattern);
      const rule = byPattern.get(pattern) ?? { pattern, capabilities: new Set<string>(), templated };
      for (const block of asBlocks(blocks)) for (const c of capabilitiesOf(rawPattern, block)) rule.capabilities.add(c);
      byPattern.set(pattern, rule);
    }
  }
  return { name, text, rules: [...byPattern.values()] };
}
