/**
 * Identity templating in policy paths (Vault docs: Templated policies; sdk/helper/identitytpl): a rule
 * whose template cannot be resolved for the caller is silently dropped.
 */
import type { AliasRecord, EntityRecord } from '../backend';

export interface TemplateContext {
  entity?: EntityRecord;
  aliases: AliasRecord[];
}

function resolveExpression(
  expr: string,
  ctx: TemplateContext,
): string | undefined {
  const entity = ctx.entity;
  if (!entity) return undefined;
  const parts = expr.split('.');
  if (parts[0] !== 'identity' || parts[1] !== 'entity') return undefined;
  const field = parts[2];
  if (parts.length === 3 && field === 'id') return entity.id;
  if (parts.length === 3 && field === 'name') return entity.name;
  if (field === 'metadata' && parts.length >= 4)
    return entity.metadata[parts.slice(3).join('.')];
  if (field === 'aliases' && parts.length >= 5) {
    const alias = ctx.aliases.find((a) => a.mountAccessor === parts[3]);
    if (!alias) return undefined;
    const what = parts[4];
    if (parts.length === 5 && what === 'id') return alias.id;
    if (parts.length === 5 && what === 'name') return alias.name;
    const key = parts.slice(5).join('.');
    if (what === 'metadata' && key) return alias.metadata[key];
    if (what === 'custom_metadata' && key) return alias.customMetadata[key];
  }
  return undefined;
}

/** Resolves every `{{ ... }}` in a path, or undefined when any part is missing or empty. */
export function resolveTemplate(
  pattern: string,
  ctx: TemplateContext,
): string | undefined {
  let failed = false;
  const out = pattern.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    const value = resolveExpression(expr, ctx);
    if (value === undefined || value === '') failed = true;
    return value ?? '';
  });
  return failed ? undefined : out;
}
