import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { IdentifierNode } from "./ast.js";
import type { Span } from "./span.js";
import { describeToken, describeTokenKind, type Token, type TokenKind } from "./tokens.js";

/** Options of a syntax error. */
export interface SyntaxErrorExtras {
  readonly code?: "E0005" | "E0006" | "E0007";
  readonly suggestion?: string | undefined;
  readonly notes?: readonly string[];
}

/** A position in a token list with the moves a parser makes: look, consume, expect, skip, report. */
export class TokenCursor {
  #pos = 0;
  #prevEnd = 0;
  #lastErrorAt = -1;

  constructor(
    readonly tokens: readonly Token[],
    readonly file: number,
    readonly bag: DiagnosticBag,
  ) {}

  /** Index of the current token. */
  protected get pos(): number {
    return this.#pos;
  }

  /** End offset of the last consumed token. */
  protected get prevEnd(): number {
    return this.#prevEnd;
  }

  /** Index after the bracket group opening at `i`, looking at most `limit` tokens ahead. */
  protected afterGroup(i: number, limit = Infinity): number {
    let depth = 0;
    for (const end = Math.min(this.tokens.length, i + limit); i < end; i++) {
      const kind = this.tokens[i]?.kind;
      if (kind === "(" || kind === "[" || kind === "{") depth++;
      else if (kind === ")" || kind === "]" || kind === "}") depth--;
      else if (kind === "EOF") return i;
      if (depth <= 0) return i + 1;
    }
    return i;
  }

  /**
   * Advances until `stop` holds for a token outside brackets, always past at least one token,
   * except that `inBody` never goes past a "}" closing the enclosing body.
   */
  protected skip(stop: (t: Token) => boolean, inBody = false): void {
    let depth = 0;
    let moved = false;
    for (;;) {
      const token = this.peek();
      if (token.kind === "EOF") return;
      if (depth === 0 && ((inBody && token.kind === "}") || (moved && stop(token)))) return;
      if (token.kind === "(" || token.kind === "[" || token.kind === "{") depth++;
      else if (token.kind === ")" || token.kind === "]" || token.kind === "}") depth = Math.max(0, depth - 1);
      this.advance();
      moved = true;
    }
  }

  /** Skips one bracket group starting at the current token. */
  protected skipGroup(): void {
    const end = this.afterGroup(this.#pos);
    while (this.#pos < end && this.peek().kind !== "EOF") this.advance();
  }

  /** The current token, or one `ahead` of it (EOF past the end). */
  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.#pos + ahead, this.tokens.length - 1)] as Token;
  }

  /** Consumes and returns the current token (EOF stays current). */
  protected advance(): Token {
    const token = this.peek();
    if (token.kind !== "EOF") this.#pos++;
    this.#prevEnd = token.end;
    return token;
  }

  /** Consumes a token of `kind`, or reports what was found instead. */
  protected expect(kind: TokenKind): Token | undefined {
    const token = this.peek();
    if (token.kind === kind) return this.advance();
    this.error(token, `expected ${describeTokenKind(kind)}, found ${describeToken(token)}`);
    return undefined;
  }

  /** Consumes a name, or reports that `what` was expected. */
  protected expectIdentifier(what: string): IdentifierNode | undefined {
    const token = this.peek();
    if (token.kind === "Identifier") return this.identifier(this.advance());
    this.error(token, `expected ${what}, found ${describeToken(token)}`);
    return undefined;
  }

  /** An identifier node for a name token. */
  protected identifier(token: Token): IdentifierNode {
    return { kind: "Identifier", span: this.span(token.start, token.end), value: token.value };
  }

  /** Reports a syntax error at a token, at most one per token. */
  protected error(token: Token, message: string, extras: SyntaxErrorExtras = {}): void {
    if (this.#lastErrorAt === token.start) return;
    this.#lastErrorAt = token.start;
    const { code = "E0005", suggestion, notes } = extras;
    this.bag.report(code, this.span(token.start, token.end), message, { suggestion, notes });
  }

  /** A span in this file. */
  protected span(start: number, end: number): Span {
    return { file: this.file, start, end };
  }

  /** The span from `first` to the last consumed token. */
  protected spanFrom(first: Token): Span {
    return this.span(first.start, Math.max(first.end, this.#prevEnd));
  }
}
