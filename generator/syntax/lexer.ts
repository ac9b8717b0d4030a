import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { Punctuator, Token, TokenKind } from "./tokens.js";

const PUNCTUATORS: ReadonlySet<string> = new Set<Punctuator>(["{", "}", "(", ")", "[", "]", ",", "=", "?", ":"]);

/**
 * Splits one `.bee` file into tokens, ending with an EOF token. Lexical errors are reported to
 * `bag` and lexing goes on, so the parser always gets a complete token list.
 */
export function lex(text: string, file: number, bag: DiagnosticBag): Token[] {
  return new Lexer(text, file, bag).run();
}

class Lexer {
  readonly #tokens: Token[] = [];
  #pos = 0;
  #newline = true;
  /** Whether the current line has held a comment; a blank line ends a doc comment block. */
  #lineHasComment = false;
  #doc: string[] = [];

  constructor(
    readonly text: string,
    readonly file: number,
    readonly bag: DiagnosticBag,
  ) {}

  run(): Token[] {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.#pos = 1;
    while (this.#pos < text.length) {
      const start = this.#pos;
      const c = text.charCodeAt(start);
      if (c === 0x0a || c === 0x0d) {
        if (!this.#lineHasComment) this.#doc = [];
        this.#newline = true;
        this.#lineHasComment = false;
        this.#pos += c === 0x0d && text.charCodeAt(start + 1) === 0x0a ? 2 : 1;
      } else if (c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c) {
        this.#pos++;
      } else if (c === 0x2f && text.charCodeAt(start + 1) === 0x2f) {
        this.#comment();
      } else if (isIdentStart(c)) {
        while (this.#pos < text.length && isIdentPart(text.charCodeAt(this.#pos))) this.#pos++;
        this.#push("Identifier", start, text.slice(start, this.#pos));
      } else if (isDigit(c) || (c === 0x2d && isDigit(text.charCodeAt(start + 1)))) {
        this.#number();
      } else if (c === 0x22) {
        this.#string();
      } else if (c === 0x40) {
        const double = text.charCodeAt(start + 1) === 0x40;
        this.#pos += double ? 2 : 1;
        this.#push(double ? "@@" : "@", start, double ? "@@" : "@");
      } else if (PUNCTUATORS.has(text[start] ?? "")) {
        this.#pos++;
        this.#push(text[start] as Punctuator, start, text[start] ?? "");
      } else {
        this.#invalid();
      }
    }
    this.#push("EOF", text.length, "");
    return this.#tokens;
  }

  #push(kind: TokenKind, start: number, value: string): void {
    const doc = this.#doc.length > 0 ? this.#doc.join("\n") : undefined;
    this.#tokens.push({ kind, start, end: this.#pos, value, newlineBefore: this.#newline, doc });
    this.#newline = false;
    this.#doc = [];
  }

  /** `// …` is skipped; `/// …` is kept for the next token. */
  #comment(): void {
    this.#lineHasComment = true;
    const text = this.text;
    const start = this.#pos;
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
    if (text.charCodeAt(start + 2) === 0x2f && text.charCodeAt(start + 3) !== 0x2f) {
      this.#doc.push(text.slice(start + 3, end).trim());
    }
    this.#pos = end;
  }

  /** `-?[0-9]+(\.[0-9]+)?`; letters, dots or underscores glued to it make it invalid. */
  #number(): void {
    const text = this.text;
    const start = this.#pos;
    if (text.charCodeAt(this.#pos) === 0x2d) this.#pos++;
    while (isDigit(text.charCodeAt(this.#pos))) this.#pos++;
    if (text.charCodeAt(this.#pos) === 0x2e && isDigit(text.charCodeAt(this.#pos + 1))) {
      this.#pos++;
      while (isDigit(text.charCodeAt(this.#pos))) this.#pos++;
    }
    const validEnd = this.#pos;
    while (isIdentPart(text.charCodeAt(this.#pos)) || text.charCodeAt(this.#pos) === 0x2e) this.#pos++;
    if (this.#pos > validEnd) {
      const raw = text.slice(start, this.#pos);
      this.bag.report("E0004", this.#span(start, this.#pos), `invalid number "${raw}"`, {
        notes: ["numbers are written as 42, -7 or 3.14"],
      });
    }
    this.#push("Number", start, text.slice(start, validEnd));
  }

  /** `"…"` with `\"` and `\\` escapes, on one line. */
  #string(): void {
    const text = this.text;
    const start = this.#pos++;
    let value = "";
    let chunkStart = this.#pos;
    for (;;) {
      const c = text.charCodeAt(this.#pos);
      if (this.#pos >= text.length || c === 0x0a || c === 0x0d) {
        value += text.slice(chunkStart, this.#pos);
        this.bag.report("E0002", this.#span(start, this.#pos), "unterminated string", {
          notes: ['a string ends with " on the same line'],
        });
        break;
      }
      if (c === 0x22) {
        value += text.slice(chunkStart, this.#pos);
        this.#pos++;
        break;
      }
      if (c === 0x5c) {
        value += text.slice(chunkStart, this.#pos);
        const next = text.charCodeAt(this.#pos + 1);
        if (next === 0x22 || next === 0x5c) {
          value += next === 0x22 ? '"' : "\\";
          this.#pos += 2;
        } else if (this.#pos + 1 >= text.length || next === 0x0a || next === 0x0d) {
          this.#pos++;
          value += "\\";
        } else {
          const width = next >= 0xd800 && next <= 0xdbff ? 3 : 2;
          const escape = text.slice(this.#pos, this.#pos + width);
          this.bag.report("E0003", this.#span(this.#pos, this.#pos + width), `invalid escape sequence "${escape}"`, {
            notes: ['only \\" and \\\\ are escapes in a string'],
          });
          value += escape;
          this.#pos += width;
        }
        chunkStart = this.#pos;
        continue;
      }
      this.#pos++;
    }
    this.#push("String", start, value);
  }

  /** A run of characters that start no token, reported once. */
  #invalid(): void {
    const text = this.text;
    const start = this.#pos;
    while (this.#pos < text.length && !startsToken(text, this.#pos)) {
      const c = text.charCodeAt(this.#pos);
      this.#pos += c >= 0xd800 && c <= 0xdbff && this.#pos + 1 < text.length ? 2 : 1;
    }
    const chars = [...text.slice(start, this.#pos)];
    const nonAscii = chars.some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);
    this.bag.report("E0001", this.#span(start, this.#pos), `invalid ${describeChars(chars)}`, {
      notes: nonAscii ? ["names are ASCII letters, digits and _; other text belongs in double quotes"] : [],
    });
  }

  #span(start: number, end: number) {
    return { file: this.file, start, end };
  }
}

function startsToken(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  return (
    c === 0x0a || c === 0x0d || c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c ||
    (c === 0x2f && text.charCodeAt(pos + 1) === 0x2f) ||
    isIdentStart(c) || isDigit(c) || c === 0x22 || c === 0x40 ||
    (c === 0x2d && isDigit(text.charCodeAt(pos + 1))) ||
    PUNCTUATORS.has(text[pos] ?? "")
  );
}

function describeChars(chars: readonly string[]): string {
  const first = chars[0] ?? "";
  if (chars.length === 1) {
    return isUnprintable(first)
      ? `character U+${(first.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`
      : `character "${first}"`;
  }
  if (chars.length > 16 || chars.some(isUnprintable)) return `characters (${chars.length})`;
  return `characters "${chars.join("")}"`;
}

function isUnprintable(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff;
}

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
