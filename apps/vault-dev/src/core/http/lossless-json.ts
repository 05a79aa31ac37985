/**
 * Vault decodes JSON numbers as `json.Number`, so an integer above 2^53 in KV data comes
 * back exactly as written (Vault: sdk/helper/jsonutil DecodeJSON with UseNumber). `JSON.parse` would round it. Numbers with 16
 * or more significant digits are therefore kept as their source text inside a marker string
 * that survives the state file, and turned back into a bare JSON number on the way out.
 */

const MARKER = '\u0000vault-dev-json-number:';
/** How the marker looks once JSON.stringify has escaped it. */
const ESCAPED =
  /"\\u0000vault-dev-json-number:(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"/g;
const LONG_DIGITS = /\d{16,}/;

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): unknown {
    const value = this.value();
    this.ws();
    if (this.i !== this.text.length) this.fail('after top-level value');
    return value;
  }

  private fail(where: string): never {
    throw new SyntaxError(
      `invalid character '${this.text[this.i] ?? 'EOF'}' ${where}`,
    );
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]))
      this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail('looking for beginning of value');
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"')
        this.fail('looking for beginning of object key string');
      const key = this.string();
      this.ws();
      if (this.text[this.i++] !== ':') this.fail('after object key');
      out[key] = this.value();
      this.ws();
      const sep = this.text[this.i++];
      if (sep === '}') return out;
      if (sep !== ',') this.fail('after object key:value pair');
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const sep = this.text[this.i++];
      if (sep === ']') return out;
      if (sep !== ',') this.fail('after array element');
    }
  }

  private string(): string {
    // Find the closing quote, skipping escapes; JSON.parse then validates and decodes it.
    let j = this.i + 1;
    while (j < this.text.length && this.text[j] !== '"')
      j += this.text[j] === '\\' ? 2 : 1;
    if (j >= this.text.length) this.fail('in string literal');
    const literal = this.text.slice(this.i, j + 1);
    this.i = j + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail('in string literal');
    }
  }

  private number(): number | string {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(
      this.text.slice(this.i),
    );
    if (!m) this.fail('in numeric literal');
    this.i += m[0].length;
    const digits = m[0]
      .replace(/[eE].*$/, '')
      .replace(/[-.]/g, '')
      .replace(/^0+/, '');
    return digits.length >= 16 ? `${MARKER}${m[0]}` : Number(m[0]);
  }
}

/** JSON.parse, except that numbers too long for a double keep their exact text. */
export function parseJsonLossless(text: string): unknown {
  return LONG_DIGITS.test(text) ? new Parser(text).parse() : JSON.parse(text);
}

/** JSON.stringify, emitting numbers kept by `parseJsonLossless` as bare JSON numbers again. */
export function stringifyJsonLossless(value: unknown): string {
  const text = JSON.stringify(value);
  return text.includes('\\u0000vault-dev-json-number:')
    ? text.replace(ESCAPED, '$1')
    : text;
}
