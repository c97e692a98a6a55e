// A pull parser over a JSON document held as bytes. The snapshot decoder walks the document with it one
// row at a time, so the whole document is never turned into one JS object tree: JSON.parse of a 16 MiB
// snapshot (plus the string it needs and zod's validated copy) took the process to ~320 MiB, against a
// 192 Mi pod limit. It accepts exactly the JSON that JSON.parse accepts (test/json-reader.test.ts),
// except nesting deeper than MAX_DEPTH, which it refuses rather than overflow the call stack.

export class JsonSyntaxError extends SyntaxError {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = "JsonSyntaxError";
  }
}

export type JsonKind = "object" | "array" | "string" | "number" | "boolean" | "null";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?, the JSON number grammar.
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** The contract nests 4 deep; this leaves room for unknown fields the reader skips. */
export const MAX_DEPTH = 256;

export class JsonReader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly bytes: Buffer) {}

  get offset(): number {
    return this.pos;
  }

  /** A second reader at the same position, to look ahead without moving this one. */
  fork(): JsonReader {
    const other = new JsonReader(this.bytes);
    other.pos = this.pos;
    other.depth = this.depth;
    return other;
  }

  /** The kind of the next value, without consuming it. */
  peek(): JsonKind {
    this.whitespace();
    const c = this.bytes[this.pos];
    switch (c) {
      case 0x7b: return "object";
      case 0x5b: return "array";
      case QUOTE: return "string";
      case 0x74: case 0x66: return "boolean";
      case 0x6e: return "null";
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return "number";
        throw this.error(c === undefined ? "unexpected end of input" : `unexpected ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }

  /** Reads an object, calling `member` for each key; `member` must consume the key's value. */
  object(member: (key: string) => void): void {
    this.expect(0x7b);
    this.enter();
    if (!this.consumeIf(0x7d)) {
      do {
        this.whitespace();
        const key = this.string();
        this.expect(0x3a);
        member(key);
      } while (this.consumeIf(0x2c));
      this.expect(0x7d);
    }
    this.depth--;
  }

  /** Reads an array, calling `item` with each index; `item` must consume the item. */
  array(item: (index: number) => void): void {
    this.expect(0x5b);
    this.enter();
    if (!this.consumeIf(0x5d)) {
      let i = 0;
      do item(i++);
      while (this.consumeIf(0x2c));
      this.expect(0x5d);
    }
    this.depth--;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw this.error(`nested deeper than ${MAX_DEPTH} levels`);
  }

  string(): string {
    this.whitespace();
    if (this.bytes[this.pos] !== QUOTE) throw this.error("expected a string");
    const start = this.pos + 1;
    let escaped = false;
    let i = start;
    for (;;) {
      const c = this.bytes[i];
      if (c === QUOTE) break;
      if (c === undefined) throw this.error("unterminated string");
      if (c < 0x20) throw new JsonSyntaxError("control character in a string", i);
      if (c === BACKSLASH) {
        escaped = true;
        i++; // the escaped character cannot end the string
      }
      i++;
    }
    this.pos = i + 1;
    if (!escaped) return this.bytes.toString("utf8", start, i);
    // Escapes are rare in label values: let JSON.parse decode this one literal (and reject bad escapes).
    try {
      return JSON.parse(this.bytes.toString("utf8", start - 1, i + 1)) as string;
    } catch {
      throw new JsonSyntaxError("invalid escape in a string", start);
    }
  }

  number(): number {
    this.whitespace();
    const start = this.pos;
    let i = start;
    for (;;) {
      const c = this.bytes[i];
      // digits, '+', '-', '.', 'e', 'E'
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45) i++;
      else break;
    }
    const text = this.bytes.toString("latin1", start, i);
    if (!NUMBER.test(text)) throw new JsonSyntaxError(`invalid number ${JSON.stringify(text)}`, start);
    this.pos = i;
    return Number(text);
  }

  /** Reads any value into plain JS values. Only for values known to be small. */
  value(): unknown {
    switch (this.peek()) {
      case "object": {
        const out: Record<string, unknown> = {};
        this.object((key) => {
          // Same as JSON.parse: a repeated key keeps its last value; __proto__ is an own property.
          Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
        });
        return out;
      }
      case "array": {
        const out: unknown[] = [];
        this.array(() => out.push(this.value()));
        return out;
      }
      case "string": return this.string();
      case "number": return this.number();
      default: return this.literal();
    }
  }

  /** Consumes a value, checking its syntax, without building it. */
  skip(): void {
    switch (this.peek()) {
      case "object": return this.object(() => this.skip());
      case "array": return this.array(() => this.skip());
      case "string": return void this.string();
      case "number": return void this.number();
      default: return void this.literal();
    }
  }

  /** After the top-level value: only whitespace may follow. */
  end(): void {
    this.whitespace();
    if (this.pos !== this.bytes.length) throw this.error("unexpected data after the JSON value");
  }

  private literal(): boolean | null {
    for (const [text, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.bytes.toString("latin1", this.pos, this.pos + text.length) === text) {
        this.pos += text.length;
        return value;
      }
    }
    throw this.error("invalid literal");
  }

  private whitespace(): void {
    for (;;) {
      const c = this.bytes[this.pos];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private consumeIf(byte: number): boolean {
    this.whitespace();
    if (this.bytes[this.pos] !== byte) return false;
    this.pos++;
    return true;
  }

  private expect(byte: number): void {
    if (!this.consumeIf(byte)) throw this.error(`expected ${JSON.stringify(String.fromCharCode(byte))}`);
  }

  private error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.pos);
  }
}
