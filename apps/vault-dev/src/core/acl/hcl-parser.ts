/**
 * A small parser for the HCL1 subset Vault policies use: `key = value`, nested
 * blocks with string labels (`path "a/b" { ... }`), lists, strings, numbers, bools and
 * comments. Repeated blocks are collected into arrays so duplicates can be unioned.
 * Written by hand because no HCL package is available to the workspace.
 */

export type HclValue = string | number | boolean | HclValue[] | HclObject;
export interface HclObject {
  [key: string]: HclValue | HclValue[];
}

export class HclSyntaxError extends Error {}

interface Token {
  kind: 'string' | 'ident' | 'number' | 'punct';
  text: string;
  line: number;
}

const PUNCT = new Set(['=', '{', '}', '[', ']', ',', ':']);

function skipComment(src: string, i: number): number {
  if (src[i] === '#' || (src[i] === '/' && src[i + 1] === '/')) {
    const end = src.indexOf('\n', i);
    return end === -1 ? src.length : end;
  }
  if (src[i] === '/' && src[i + 1] === '*') {
    const end = src.indexOf('*/', i + 2);
    if (end === -1) throw new HclSyntaxError('unterminated comment');
    return end + 2;
  }
  return i;
}

function readString(
  src: string,
  start: number,
  line: number,
): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < src.length && src[i] !== '"') {
    if (src[i] === '\n')
      throw new HclSyntaxError(`At ${line}: unterminated string`);
    if (src[i] === '\\') {
      const next = src[i + 1];
      const map: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '"': '"',
        '\\': '\\',
      };
      if (!(next in map))
        throw new HclSyntaxError(`At ${line}: invalid escape sequence`);
      out += map[next];
      i += 2;
    } else {
      out += src[i++];
    }
  }
  if (i >= src.length)
    throw new HclSyntaxError(`At ${line}: unterminated string`);
  return { text: out, end: i + 1 };
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const afterComment = skipComment(src, i);
    if (afterComment !== i) {
      line += (src.slice(i, afterComment).match(/\n/g) ?? []).length;
      i = afterComment;
      continue;
    }
    if (c === '"') {
      const { text, end } = readString(src, i, line);
      tokens.push({ kind: 'string', text, line });
      i = end;
    } else if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new HclSyntaxError(`At ${line}: illegal char`);
      tokens.push({ kind: 'number', text: m[0], line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(
        src.slice(i),
      ) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: m[0], line });
      i += m[0].length;
    } else {
      throw new HclSyntaxError(`At ${line}:${i}: illegal char`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private expect(text: string): void {
    const t = this.tokens[this.pos++];
    if (!t || t.text !== text || t.kind !== 'punct') {
      throw new HclSyntaxError(
        `At ${t?.line ?? 'EOF'}: expected '${text}' but found ${t ? `'${t.text}'` : 'end of input'}`,
      );
    }
  }

  body(closing: boolean): HclObject {
    const obj: HclObject = {};
    for (
      let t = this.peek();
      t && !(closing && t.kind === 'punct' && t.text === '}');
      t = this.peek()
    ) {
      this.item(obj);
      const sep = this.peek();
      if (sep?.kind === 'punct' && sep.text === ',') this.pos++;
    }
    return obj;
  }

  private item(target: HclObject): void {
    const keys: string[] = [];
    for (
      let t = this.peek();
      t && (t.kind === 'ident' || t.kind === 'string');
      t = this.peek()
    ) {
      keys.push(t.text);
      this.pos++;
    }
    const t = this.peek();
    if (keys.length === 0)
      throw new HclSyntaxError(
        `At ${t?.line ?? 'EOF'}: expected a key but found ${t ? `'${t.text}'` : 'end of input'}`,
      );
    let value: HclValue;
    if (t?.kind === 'punct' && (t.text === '=' || t.text === ':')) {
      this.pos++;
      value = this.value();
    } else if (t?.kind === 'punct' && t.text === '{') {
      value = this.value();
    } else {
      throw new HclSyntaxError(
        `At ${t?.line ?? 'EOF'}: key '${keys.join(' ')}' expected start of object ('{') or assignment ('=')`,
      );
    }
    let obj = target;
    for (const key of keys.slice(0, -1)) {
      const existing = obj[key];
      if (existing === undefined) obj[key] = {};
      else if (typeof existing !== 'object' || Array.isArray(existing))
        throw new HclSyntaxError(`key '${key}' is both a value and a block`);
      obj = obj[key] as HclObject;
    }
    const last = keys[keys.length - 1];
    const existing = obj[last];
    // Repeated blocks become a list (HCL1 semantics); the policy layer unions them.
    obj[last] =
      existing === undefined
        ? value
        : ([] as HclValue[]).concat(existing as HclValue, [value]);
  }

  value(): HclValue {
    const t = this.tokens[this.pos++];
    if (!t) throw new HclSyntaxError('unexpected end of input');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return t.text === 'true';
      throw new HclSyntaxError(
        `At ${t.line}: unexpected identifier '${t.text}'`,
      );
    }
    if (t.text === '[') {
      const list: HclValue[] = [];
      while (this.peek()?.text !== ']') {
        list.push(this.value());
        if (this.peek()?.text === ',') this.pos++;
        else break;
      }
      this.expect(']');
      return list;
    }
    if (t.text === '{') {
      const obj = this.body(true);
      this.expect('}');
      return obj;
    }
    throw new HclSyntaxError(`At ${t.line}: unexpected '${t.text}'`);
  }

  done(): void {
    const t = this.peek();
    if (t) throw new HclSyntaxError(`At ${t.line}: unexpected '${t.text}'`);
  }
}

/** Parses HCL1 policy text into plain objects. */
export function parseHcl(src: string): HclObject {
  const parser = new Parser(tokenize(src));
  const obj = parser.body(false);
  parser.done();
  return obj;
}
