/**
 * Named ACL policies (Vault docs: /sys/policies/acl): stored as written, parsed once,
 * with the built-in `default`, `root` and internal `response-wrapping` policies.
 */
import { VaultError } from '../backend';
import { DEFAULT_POLICY, RESPONSE_WRAPPING_POLICY } from './default-policy';
import { parsePolicy, PolicyParseError, type Policy } from './policy';

export interface PolicyStore {
  names(): string[];
  text(name: string): string | undefined;
  get(name: string): Policy | undefined;
  /** Validates and stores a policy; returns warnings (e.g. the name was lower-cased). */
  write(rawName: string, text: string): { name: string; warnings: string[] };
  remove(rawName: string): void;
  /** Bumped on every write or delete, so cached ACLs know to recompile. */
  generation(): number;
}

/** Vault accepts policy text base64-encoded; anything that decodes cleanly is decoded. */
function decodePolicyText(text: string): string {
  const compact = text.trim();
  if (
    compact === '' ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) ||
    compact.length % 4 !== 0
  )
    return text;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  return decoded.includes('\uFFFD') ? text : decoded;
}

export function createPolicyStore(stored: Record<string, string>): PolicyStore {
  if (stored['default'] === undefined) stored['default'] = DEFAULT_POLICY;
  const cache = new Map<string, Policy>();
  const wrapping = parsePolicy('response-wrapping', RESPONSE_WRAPPING_POLICY);
  let generation = 0;

  const get = (name: string): Policy | undefined => {
    if (name === 'response-wrapping') return wrapping;
    const text = stored[name];
    if (text === undefined) return undefined;
    let policy = cache.get(name);
    if (!policy || policy.text !== text) {
      policy = parsePolicy(name, text);
      cache.set(name, policy);
    }
    return policy;
  };

  return {
    names: () => [...Object.keys(stored), 'root'].sort(),
    text: (name) => stored[name.toLowerCase()],
    get,
    write(rawName, rawText) {
      const name = rawName.toLowerCase();
      const warnings =
        name !== rawName ? [`policy name was converted to ${name}`] : [];
      if (name === 'root')
        throw new VaultError(400, ['cannot update "root" policy']);
      if (name === 'response-wrapping')
        throw new VaultError(400, ['cannot update "response-wrapping" policy']);
      if (name === '')
        throw new VaultError(400, ['policy name must be provided']);
      const text = decodePolicyText(rawText);
      if (text.trim() === '')
        throw new VaultError(400, ["'policy' parameter not supplied or empty"]);
      try {
        cache.set(name, parsePolicy(name, text));
      } catch (err) {
        if (err instanceof PolicyParseError)
          throw new VaultError(400, [err.message]);
        throw err;
      }
      stored[name] = text;
      generation += 1;
      return { name, warnings };
    },
    remove(rawName) {
      const name = rawName.toLowerCase();
      if (name === 'default')
        throw new VaultError(400, ['cannot delete default policy']);
      if (name === 'root')
        throw new VaultError(400, ['cannot delete "root" policy']);
      delete stored[name];
      cache.delete(name);
      generation += 1;
    },
    generation: () => generation,
  };
}
