import { GatewayConfigError } from './config-error';

/** The environment a standalone file is resolved against (process.env in production). */
export type SubstitutionEnv = Readonly<Record<string, string | undefined>>;

// apisix/cli/file.lua var_sub: `%$%{%{%s*([%w_]+[%:%=]?.-)%s*%}%}`. Lua's `.` also matches
// newlines, hence [\s\S]; Lua's %s is the ASCII white space only.
const VARIABLE =
  /\$\{\{[ \t\n\v\f\r]*([A-Za-z0-9_]+[:=]?[\s\S]*?)[ \t\n\v\f\r]*\}\}/g;
// What LuaJIT's tonumber() accepts that matters here: decimal, float, exponent, hex.
const LUA_NUMBER =
  /^\s*[-+]?(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

/**
 * apisix/cli/file.lua `var_sub`: replaces every `${{VAR}}` / `${{VAR:=default}}` in a string.
 * A set variable wins (even when empty: Lua's `getenv(var) or default`), else the trimmed
 * default. A variable with neither is replaced by "" and the call fails with APISIX's message,
 * naming the last such variable (gsub runs to the end and keeps the last error).
 */
function varSub(
  value: string,
  env: SubstitutionEnv,
): { text: string; isVariableUsed: boolean } {
  let isVariableUsed = false;
  let missing: string | undefined;
  const text = value.replace(VARIABLE, (_match, expression: string) => {
    const separator = expression.indexOf(':=');
    const name = separator === -1 ? expression : expression.slice(0, separator);
    const fallback =
      separator === -1
        ? undefined
        : expression.slice(separator + 2).replace(/^\s+|\s+$/g, '');
    const resolved = env[name] ?? fallback;
    if (resolved === undefined) {
      missing = name;
      return '';
    }
    isVariableUsed = true;
    return resolved;
  });
  if (missing !== undefined) {
    throw new GatewayConfigError(
      `failed to handle configuration: can't find environment variable ${missing}`,
    );
  }
  return { text, isVariableUsed };
}

/**
 * APISIX ≥ 3.17 `resolve_conf_var_in_text` (apisix/cli/file.lua, called by
 * apisix/core/config_yaml.lua before `yaml.load`): substitutes in the RAW text of apisix.yaml,
 * comments included, so YAML quoting decides the types afterwards: `port: "${{P:=1}}"` stays a
 * string, `port: ${{P:=1}}` becomes an integer.
 */
export function substituteText(text: string, env: SubstitutionEnv): string {
  return varSub(text, env).text;
}

/** Names of the variables in a text that resolve to an empty string (for clearer errors). */
export function emptyVariables(text: string, env: SubstitutionEnv): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(VARIABLE)) {
    const separator = match[1].indexOf(':=');
    const name = separator === -1 ? match[1] : match[1].slice(0, separator);
    const fallback =
      separator === -1 ? undefined : match[1].slice(separator + 2).trim();
    if ((env[name] ?? fallback) === '') names.add(name);
  }
  return [...names];
}

/**
 * APISIX `resolve_conf_var` for one string value of an already parsed document (what
 * config.yaml gets): a value that used a variable and reads as a number or boolean is converted.
 */
export function substituteValue(
  value: string,
  env: SubstitutionEnv,
): string | number | boolean {
  const { text, isVariableUsed } = varSub(value, env);
  if (!isVariableUsed) return text;
  if (LUA_NUMBER.test(text)) return Number(text.trim());
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

/**
 * APISIX 3.18 `resolve_conf_var` on a parsed document (config.yaml): every string value, at
 * every depth, and mapping keys too (3.18 renames a key that holds a variable).
 */
export function substituteDocument(
  node: unknown,
  env: SubstitutionEnv,
): unknown {
  if (typeof node === 'string') return substituteValue(node, env);
  if (Array.isArray(node))
    return node.map((item) => substituteDocument(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        varSub(key, env).text,
        substituteDocument(value, env),
      ]),
    );
  }
  return node;
}
