/**
 * ACL evaluation with Vault's matching and priority rules (Vault: vault/acl.go): an exact
 * rule wins; otherwise the longest-prefix glob and every matching `+` rule compete and
 * the single highest-priority rule applies. Identical patterns across policies are
 * unioned; `deny` overrides everything.
 */
import type { Operation } from '../backend';
import { mergeParameters, type ParameterRules, type Policy } from './policy';
import { resolveTemplate, type TemplateContext } from './templating';

interface CompiledRule {
  /** The pattern with templates resolved, including a trailing `*` if glob. */
  pattern: string;
  prefix: string;
  isGlob: boolean;
  segments: string[] | null;
  capabilities: Set<string>;
  parameters: ParameterRules;
}

export interface Acl {
  /** The capabilities on a path (`deny` alone when nothing matches). */
  capabilities(path: string, isList?: boolean): string[];
  /** `data` is the request's parameters, checked against allowed/denied/required_parameters. */
  allows(
    operation: Operation,
    path: string,
    needsSudo: boolean,
    data?: Record<string, unknown>,
  ): boolean;
}

function compile(policies: Policy[], ctx: TemplateContext): CompiledRule[] {
  const byPattern = new Map<string, CompiledRule>();
  for (const policy of policies) {
    for (const rule of policy.rules) {
      const pattern = rule.templated
        ? resolveTemplate(rule.pattern, ctx)
        : rule.pattern;
      if (pattern === undefined) continue;
      const existing = byPattern.get(pattern);
      if (existing) {
        for (const c of rule.capabilities) existing.capabilities.add(c);
        existing.parameters = mergeParameters(
          existing.parameters,
          rule.parameters,
        );
        continue;
      }
      const isGlob = pattern.endsWith('*');
      const prefix = isGlob ? pattern.slice(0, -1) : pattern;
      byPattern.set(pattern, {
        pattern,
        prefix,
        isGlob,
        segments: prefix.includes('+') ? prefix.split('/') : null,
        capabilities: new Set(rule.capabilities),
        parameters: rule.parameters,
      });
    }
  }
  for (const rule of byPattern.values())
    if (rule.capabilities.has('deny')) rule.capabilities = new Set(['deny']);
  return [...byPattern.values()];
}

function segmentMatch(rule: CompiledRule, path: string): boolean {
  const pattern = rule.segments as string[];
  const parts = path.split('/');
  if (pattern.length > parts.length) return false;
  if (!rule.isGlob && pattern.length !== parts.length) return false;
  return pattern.every((seg, i) => {
    if (seg === '+') return true;
    if (seg === parts[i]) return true;
    return rule.isGlob && i === pattern.length - 1 && parts[i].startsWith(seg);
  });
}

function firstWildcard(pattern: string): number {
  const positions = [pattern.indexOf('+'), pattern.indexOf('*')].filter(
    (i) => i >= 0,
  );
  return positions.length === 0 ? pattern.length : Math.min(...positions);
}

/** True when `a` has higher priority than `b` (Vault's documented priority rules). */
function higherPriority(a: CompiledRule, b: CompiledRule): boolean {
  const wa = firstWildcard(a.pattern);
  const wb = firstWildcard(b.pattern);
  if (wa !== wb) return wa > wb;
  if (a.isGlob !== b.isGlob) return !a.isGlob;
  const pa = a.pattern.split('+').length;
  const pb = b.pattern.split('+').length;
  if (pa !== pb) return pa < pb;
  if (a.pattern.length !== b.pattern.length)
    return a.pattern.length > b.pattern.length;
  return a.pattern > b.pattern;
}

function matchOnce(
  rules: CompiledRule[],
  path: string,
): CompiledRule | undefined {
  const exact = rules.find(
    (r) => !r.isGlob && r.segments === null && r.prefix === path,
  );
  if (exact) return exact;
  let best: CompiledRule | undefined;
  for (const rule of rules) {
    if (rule.segments === null) {
      if (!rule.isGlob || !path.startsWith(rule.prefix)) continue;
      // Among plain globs only the longest prefix is a candidate.
      if (
        best &&
        best.segments === null &&
        best.isGlob &&
        best.prefix.length >= rule.prefix.length
      )
        continue;
    } else if (!segmentMatch(rule, path)) {
      continue;
    }
    if (!best || higherPriority(rule, best)) best = rule;
  }
  return best;
}

/** Vault's `valueInParameterList`: [] = any value; strings glob-match, others compare deeply. */
function valueAllowedBy(value: unknown, list: unknown[]): boolean {
  if (list.length === 0) return true;
  return list.some((el) => {
    if (typeof el === 'string' && typeof value === 'string')
      return globMatch(el, value);
    return JSON.stringify(el) === JSON.stringify(value);
  });
}

/** Vault's `GlobbedStringsMatch`: a leading and/or trailing `*` is a wildcard. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const prefix = pattern.startsWith('*');
  const suffix = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(prefix ? 1 : 0, suffix ? -1 : undefined);
  if (prefix && suffix) return value.includes(core);
  if (prefix) return value.endsWith(core);
  if (suffix) return value.startsWith(core);
  return value === pattern;
}

/** Vault's parameter checks (acl.go AllowOperation), applied to the winning rule only. */
function parametersAllowed(
  rules: ParameterRules,
  data: Record<string, unknown>,
): boolean {
  const keys = Object.keys(data);
  for (const required of rules.required ?? [])
    if (!keys.some((k) => k.toLowerCase() === required.toLowerCase()))
      return false;
  if (keys.length === 0) return true;
  const denied = rules.denied ?? {};
  if (Object.keys(denied).length > 0) {
    if ('*' in denied) return false;
    for (const k of keys) {
      const values = denied[k.toLowerCase()];
      if (values && valueAllowedBy(data[k], values)) return false;
    }
  }
  const allowed = rules.allowed ?? {};
  const names = Object.keys(allowed);
  if (names.length === 0 || (names.length === 1 && '*' in allowed)) return true;
  return keys.every((k) => {
    const values = allowed[k.toLowerCase()];
    if (values === undefined) return '*' in allowed;
    return valueAllowedBy(data[k], values);
  });
}

export function createAcl(policies: Policy[], ctx: TemplateContext): Acl {
  const rules = compile(policies, ctx);
  const exactRule = (path: string): CompiledRule | undefined =>
    rules.find((r) => !r.isGlob && r.segments === null && r.prefix === path);
  const match = (path: string, isList: boolean): CompiledRule | undefined => {
    // Vault's AllowOperation order (policy/acl.go): the exact rule, then for LIST the exact
    // rule without the trailing slash, then the wildcard rules, then for LIST the wildcard
    // rules for the path without the trailing slash (checklist #98, #134).
    const trimmed =
      isList && path.endsWith('/') ? path.slice(0, -1) : undefined;
    return (
      exactRule(path) ??
      (trimmed !== undefined ? exactRule(trimmed) : undefined) ??
      matchOnce(rules, path) ??
      (trimmed !== undefined ? matchOnce(rules, trimmed) : undefined)
    );
  };
  const capabilities = (path: string, isList = false): string[] => {
    const rule = match(path, isList);
    if (!rule || rule.capabilities.has('deny') || rule.capabilities.size === 0)
      return ['deny'];
    return [...rule.capabilities].sort();
  };
  return {
    capabilities,
    allows(operation, path, needsSudo, data) {
      const isList = operation === 'list';
      const rule = match(path, isList);
      if (
        !rule ||
        rule.capabilities.has('deny') ||
        !rule.capabilities.has(operation)
      )
        return false;
      if (needsSudo && !rule.capabilities.has('sudo')) return false;
      const checksParameters =
        operation === 'read' ||
        operation === 'create' ||
        operation === 'update' ||
        operation === 'patch';
      return (
        !checksParameters || !data || parametersAllowed(rule.parameters, data)
      );
    },
  };
}
