/** Punctuation tokens; their kind is their own spelling. */
export type Punctuator = "{" | "}" | "(" | ")" | "[" | "]" | "," | "=" | "?" | ":" | "@" | "@@";

/** Every kind of token the lexer produces. */
export type TokenKind = "Identifier" | "String" | "Number" | "EOF" | Punctuator;

/** One lexical token. */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** Identifier name, decoded string contents, or number text (with its sign). */
  readonly value: string;
  /** A line break separates this token from the previous one (used for error recovery). */
  readonly newlineBefore: boolean;
  /** `///` lines directly before this token, joined with "\n". */
  readonly doc: string | undefined;
}

/** How a token kind is named in messages. */
export function describeTokenKind(kind: TokenKind): string {
  switch (kind) {
    case "Identifier":
      return "a name";
    case "String":
      return "a string";
    case "Number":
      return "a number";
    case "EOF":
      return "end of file";
    default:
      return `"${kind}"`;
  }
}

/** How a concrete token is named in messages, e.g. `"}"`, `name "foo"`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case "Identifier":
      return `name "${token.value}"`;
    case "String":
      return `string "${token.value}"`;
    case "Number":
      return `number ${token.value}`;
    default:
      return describeTokenKind(token.kind);
  }
}
