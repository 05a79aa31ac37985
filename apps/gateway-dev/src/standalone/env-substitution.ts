import { GatewayConfigError } from './config-error';

/** The environment a standalone file is resolved against (process.env in production). */
export type SubstitutionEnv = Readonly<Record<string, string | undefined>>;

// apisix/cli/file.lua resolve_conf_var: `%$%{%{%s*([%w_]+[%:%=]?.-)%s*%}%}`. Lua's `.` also
// matches newlines, hence [\s\S].
const VARIABLE = /\$\{\{\s*(\w+[:=]?[\s\S]*?)\s*\}\}/g;
// What LuaJIT's tonumber() accepts that matters here: decimal, float, exponent, hex.
const LUA_NUMBER = /^\s*[-+]?(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

/**
 * Substitutes `${{VAR}}` and `${{VAR:=default}}` in one string value exactly like APISIX:
 * a set variable wins (even when empty), else the trimmed default, else the load fails naming
 * the variable. A value that used a variable and reads as a number or boolean is converted.
 */
export function substituteValue(value: string, env: SubstitutionEnv): string | number | boolean {
  let isVariableUsed = false;
  const replaced = value.replace(VARIABLE, (_match, expression: string) => {
    const separator = expression.indexOf(':=');
    const name = separator === -1 ? expression : expression.slice(0, separator);
    const fallback = separator === -1 ? undefined : expression.slice(separator + 2).trim();
    const resolved = env[name] ?? fallback;
    if (resolved === undefined) {
      throw new GatewayConfigError(
        `failed to handle configuration: can't find environment variable ${name}`,
      );
    }
    isVariableUsed = true;
    return resolved;
  });
  if (!isVariableUsed) return replaced;
  if (LUA_NUMBER.test(replaced)) return Number(replaced.trim());
  if (replaced === 'true') return true;
  if (replaced === 'false') return false;
  return replaced;
}

/**
 * Resolves every string value of a parsed standalone document in place of a copy; mapping
 * keys are left alone, as APISIX does.
 */
export function substituteDocument(node: unknown, env: SubstitutionEnv): unknown {
  if (typeof node === 'string') return substituteValue(node, env);
  if (Array.isArray(node)) return node.map((item) => substituteDocument(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, substituteDocument(value, env)]),
    );
  }
  return node;
}
