/**
 * Identity-token claim templates (Vault docs: Identity tokens; sdk/helper/identitytpl in JSON mode):
 * `{{identity.entity.metadata.tenant_id}}` renders as a JSON value, missing values
 * as `""` (or `{}` / `[]`), and the result must be a JSON object.
 */
import type { AliasRecord, EntityRecord } from '../../core/backend';
import { parseDurationSeconds } from '../approle/field-parsers';

export const RESERVED_CLAIMS = [
  'iat',
  'aud',
  'exp',
  'iss',
  'sub',
  'namespace',
  'nonce',
  'auth_time',
  'at_hash',
  'c_hash',
];

export interface TemplateContext {
  entity?: EntityRecord;
  aliases: AliasRecord[];
  nowSeconds: number;
}

/** Vault accepts the template as JSON text or as its base64 encoding. */
export function decodeTemplate(template: string): string {
  const text = template.trim();
  if (
    text === '' ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(text) ||
    text.length % 4 !== 0
  )
    return template;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  return decoded.trim().startsWith('{') ? decoded : template;
}

/** Renders a template to its claims object; throws Error with a reason when it is not valid. */
export function renderTemplate(
  template: string,
  ctx: TemplateContext,
): Record<string, unknown> {
  if (template.trim() === '') return {};
  const rendered = template.replace(
    /\{\{\s*([^{}]*?)\s*\}\}/g,
    (_m, param: string) => JSON.stringify(resolveParam(param, ctx)),
  );
  if (/\{\{|\}\}/.test(rendered))
    throw new Error('unbalanced templating characters');
  let claims: unknown;
  try {
    claims = JSON.parse(rendered);
  } catch (e) {
    throw new Error(`error parsing template JSON: ${(e as Error).message}`);
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new Error('template must render to a JSON object');
  return claims as Record<string, unknown>;
}

/** Checks a template at role-write time: it must render and must not set reserved claims. */
export function validateTemplate(
  template: string,
  nowSeconds: number,
): string | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = renderTemplate(template, { aliases: [], nowSeconds });
  } catch (e) {
    return `error parsing template: ${(e as Error).message}`;
  }
  const reserved = Object.keys(claims).find((k) => RESERVED_CLAIMS.includes(k));
  return reserved === undefined
    ? undefined
    : `top level key "${reserved}" not allowed. Restricted keys: ${RESERVED_CLAIMS.join(', ')}`;
}

function resolveParam(param: string, ctx: TemplateContext): unknown {
  if (param === 'time.now') return ctx.nowSeconds;
  const timeMatch = /^time\.now\.(plus|minus)\.(.+)$/.exec(param);
  if (timeMatch) {
    const delta = parseDurationSeconds(timeMatch[2], 'template');
    return ctx.nowSeconds + (timeMatch[1] === 'plus' ? delta : -delta);
  }
  if (!param.startsWith('identity.entity.'))
    throw new Error(`invalid template parameter "${param}"`);
  const rest = param.slice('identity.entity.'.length);
  const entity = ctx.entity;
  if (rest === 'id') return entity?.id ?? '';
  if (rest === 'name') return entity?.name ?? '';
  if (rest === 'metadata') return entity?.metadata ?? {};
  if (rest.startsWith('metadata.'))
    return lookup(entity?.metadata, rest.slice('metadata.'.length));
  if (rest === 'groups.ids' || rest === 'groups.names') return [];
  const aliasMatch =
    /^aliases\.([^.]+)\.(id|name|metadata|custom_metadata)(?:\.(.+))?$/.exec(
      rest,
    );
  if (!aliasMatch) throw new Error(`invalid template parameter "${param}"`);
  const [, accessor, field, key] = aliasMatch;
  const alias = ctx.aliases.find((a) => a.mountAccessor === accessor);
  if (field === 'id') return alias?.id ?? '';
  if (field === 'name') return alias?.name ?? '';
  const map = field === 'metadata' ? alias?.metadata : alias?.customMetadata;
  return key === undefined ? (map ?? {}) : lookup(map, key);
}

function lookup(map: Record<string, string> | undefined, key: string): string {
  return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : '';
}
