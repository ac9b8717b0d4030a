import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type {
  ArgumentNode,
  ArrayNode,
  AttributeNode,
  DeclarationNode,
  EntityNode,
  EnumNode,
  EnumValueNode,
  FieldNode,
  IdentifierNode,
  PoolNode,
  PropertyNode,
  SchemaFileNode,
  TypeNode,
  ValueNode,
} from "./ast.js";
import { lex } from "./lexer.js";
import { TokenCursor } from "./token-cursor.js";
import { describeToken, type Token } from "./tokens.js";

/** Keywords that start a top-level declaration. */
const DECLARATION_KEYWORDS: readonly string[] = ["entity", "enum", "mysql", "redis"];

/** How far recovery looks ahead for the "{" of a declaration. */
const LOOKAHEAD_LIMIT = 64;

/** Values may nest (arrays, calls) at most this deep. */
const MAX_DEPTH = 32;

/** Lexes and parses one `.bee` file. Never throws: syntax errors go to `bag`. */
export function parseSchemaFile(text: string, file: number, bag: DiagnosticBag): SchemaFileNode {
  return new Parser(lex(text, file, bag), file, bag).parseSchemaFile();
}

/** Recursive-descent parser over a token list; one method per production. */
class Parser extends TokenCursor {
  /** SchemaFile := Declaration* EOF */
  parseSchemaFile(): SchemaFileNode {
    const declarations: DeclarationNode[] = [];
    while (this.peek().kind !== "EOF") {
      const declaration = this.parseDeclaration();
      if (declaration !== undefined) declarations.push(declaration);
    }
    return { kind: "SchemaFile", span: this.span(0, this.peek().end), declarations };
  }

  /** Declaration := PoolDeclaration | EnumDeclaration | EntityDeclaration */
  parseDeclaration(): DeclarationNode | undefined {
    const token = this.peek();
    if (token.kind === "Identifier") {
      if (token.value === "entity") return this.parseEntity();
      if (token.value === "enum") return this.parseEnum();
      if (token.value === "mysql" || token.value === "redis") return this.parsePool();
      this.error(token, `unknown declaration "${token.value}"`, {
        code: "E0006",
        suggestion: didYouMean(token.value, DECLARATION_KEYWORDS),
        notes: ["a declaration starts with entity, enum, mysql or redis"],
      });
    } else {
      this.error(token, `expected a declaration (entity, enum, mysql or redis), found ${describeToken(token)}`);
    }
    this.skip((t) => t.newlineBefore && t.kind === "Identifier" && DECLARATION_KEYWORDS.includes(t.value));
    return undefined;
  }

  /** PoolDeclaration := ("mysql" | "redis") Name "{" (Property ","?)* "}" */
  parsePool(): PoolNode | undefined {
    const keyword = this.advance();
    const name = this.expectIdentifier(`a name for the ${keyword.value} pool`);
    if (name === undefined || this.expect("{") === undefined) return this.#abandonDeclaration();
    const properties: PropertyNode[] = [];
    while (this.#atBodyItem()) {
      const token = this.peek();
      if (token.kind === "Identifier") {
        const property = this.parseProperty();
        if (property !== undefined) properties.push(property);
        if (this.peek().kind === ",") this.advance();
      } else {
        this.error(token, `expected a property such as url = "…", found ${describeToken(token)}`);
        this.#skipInBody();
      }
    }
    const engine = keyword.value === "mysql" ? "mysql" : "redis";
    return { kind: "Pool", span: this.spanFrom(keyword), engine, name, properties, doc: keyword.doc };
  }

  /** Property := Name "=" Value */
  parseProperty(): PropertyNode | undefined {
    const name = this.identifier(this.advance());
    const value = this.expect("=") === undefined ? undefined : this.parseValue(0);
    if (value === undefined) {
      this.#skipInBody((t) => t.kind === ",");
      return undefined;
    }
    return { kind: "Property", span: this.span(name.span.start, this.prevEnd), name, value };
  }

  /** EnumDeclaration := "enum" Name "{" (EnumValue ","?)* "}" ; EnumValue := Name | String */
  parseEnum(): EnumNode | undefined {
    const keyword = this.advance();
    const name = this.expectIdentifier("a name for the enum");
    if (name === undefined || this.expect("{") === undefined) return this.#abandonDeclaration();
    const values: EnumValueNode[] = [];
    while (this.#atBodyItem()) {
      const token = this.peek();
      if (token.kind === "Identifier" || token.kind === "String") {
        this.advance();
        values.push({ kind: "EnumValue", span: this.span(token.start, token.end), value: token.value });
        if (this.peek().kind === ",") this.advance();
      } else {
        this.error(token, `expected an enum value (a name or a string), found ${describeToken(token)}`);
        this.#skipInBody();
      }
    }
    return { kind: "Enum", span: this.spanFrom(keyword), name, values, doc: keyword.doc };
  }

  /** EntityDeclaration := "entity" Name Attribute* "{" (Field | BlockAttribute)* "}" */
  parseEntity(): EntityNode | undefined {
    const keyword = this.advance();
    const name = this.expectIdentifier("a name for the entity");
    if (name === undefined) return this.#abandonDeclaration();
    const attributes = this.#parseAttributes();
    if (this.expect("{") === undefined) return this.#abandonDeclaration();
    const fields: FieldNode[] = [];
    const blockAttributes: AttributeNode[] = [];
    while (this.#atBodyItem()) {
      const token = this.peek();
      if (token.kind === "@@") {
        const attribute = this.parseAttribute();
        if (attribute !== undefined) blockAttributes.push(attribute);
      } else if (token.kind === "Identifier") {
        const field = this.parseField();
        if (field !== undefined) fields.push(field);
      } else {
        this.error(token, `expected a field, an @@attribute or "}", found ${describeToken(token)}`);
        this.#skipInBody();
      }
    }
    const span = this.spanFrom(keyword);
    return { kind: "Entity", span, name, attributes, fields, blockAttributes, doc: keyword.doc };
  }

  /** Field := Name Type Attribute* */
  parseField(): FieldNode | undefined {
    const first = this.advance();
    const name = this.identifier(first);
    const next = this.peek();
    if (next.kind !== "Identifier" || next.newlineBefore) {
      const notes = [next.kind === ":" ? "a field has no colon: name Type, e.g. title varchar(200)" : "a field is written as: name Type, e.g. title varchar(200)"];
      if (next.newlineBefore) this.error(first, `expected a type after field "${name.value}"`, { notes });
      else {
        this.error(next, `expected a type after field "${name.value}", found ${describeToken(next)}`, { notes });
        this.#skipInBody();
      }
      return undefined;
    }
    const type = this.parseType();
    const attributes = this.#parseAttributes();
    return { kind: "Field", span: this.spanFrom(first), name, type, attributes, doc: first.doc };
  }

  /** Type := Name ArgumentList? ("[" "]")? "?"? */
  parseType(): TypeNode {
    const first = this.advance();
    const name = this.identifier(first);
    const args = this.peek().kind === "(" ? this.parseArgumentList(0) : undefined;
    let list = false;
    if (this.peek().kind === "[") {
      this.advance();
      this.expect("]");
      list = true;
    }
    const optional = this.peek().kind === "?";
    if (optional) this.advance();
    return { kind: "Type", span: this.spanFrom(first), name, args, list, optional };
  }

  /** Attribute := "@" Name ArgumentList? ; BlockAttribute := "@@" Name ArgumentList? */
  parseAttribute(): AttributeNode | undefined {
    const at = this.advance();
    const name = this.expectIdentifier("an attribute name");
    if (name === undefined) return undefined;
    const args = this.peek().kind === "(" ? this.parseArgumentList(0) : undefined;
    return { kind: "Attribute", span: this.spanFrom(at), block: at.kind === "@@", name, args };
  }

  /** ArgumentList := "(" (Argument ("," Argument)* ","?)? ")" */
  parseArgumentList(depth: number): ArgumentNode[] {
    this.advance();
    const args: ArgumentNode[] = [];
    this.#parseSequence(")", () => {
      const arg = this.parseArgument(depth);
      if (arg !== undefined) args.push(arg);
      return arg !== undefined;
    });
    return args;
  }

  /** Argument := (Name ":")? Value */
  parseArgument(depth: number): ArgumentNode | undefined {
    const first = this.peek();
    let name: IdentifierNode | undefined;
    if (first.kind === "Identifier" && this.peek(1).kind === ":") {
      name = this.identifier(this.advance());
      this.advance();
    }
    const value = this.parseValue(depth);
    if (value === undefined) return undefined;
    return { kind: "Argument", span: this.spanFrom(first), name, value };
  }

  /** Value := String | Number | Name | Name ArgumentList | "[" (Value ("," Value)* ","?)? "]" */
  parseValue(depth: number): ValueNode | undefined {
    const token = this.peek();
    const call = token.kind === "Identifier" && this.peek(1).kind === "(";
    if (depth >= MAX_DEPTH && (token.kind === "[" || token.kind === "(" || call)) {
      this.error(token, `values nest more than ${MAX_DEPTH} levels deep`, { code: "E0007" });
      if (call) this.advance();
      this.skipGroup();
      return undefined;
    }
    switch (token.kind) {
      case "String":
      case "Number":
        this.advance();
        return { kind: token.kind, span: this.span(token.start, token.end), value: token.value };
      case "Identifier": {
        const name = this.identifier(this.advance());
        if (this.peek().kind !== "(") return name;
        const args = this.parseArgumentList(depth + 1);
        return { kind: "Call", span: this.spanFrom(token), callee: name, args };
      }
      case "[":
        return this.#parseArray(depth + 1);
      default:
        this.error(token, `expected a value (a string, a number, a name or a list), found ${describeToken(token)}`);
        return undefined;
    }
  }

  #parseArray(depth: number): ArrayNode {
    const open = this.advance();
    const elements: ValueNode[] = [];
    this.#parseSequence("]", () => {
      const value = this.parseValue(depth);
      if (value !== undefined) elements.push(value);
      return value !== undefined;
    });
    return { kind: "Array", span: this.spanFrom(open), elements };
  }

  /** Comma-separated items up to `close`; gives up at tokens that cannot be inside a value. */
  #parseSequence(close: ")" | "]", item: () => boolean): void {
    for (;;) {
      const token = this.peek();
      if (token.kind === close) {
        this.advance();
        return;
      }
      if (token.kind === "EOF" || token.kind === "}" || token.kind === "{" || token.kind === "@" || token.kind === "@@") {
        this.error(token, `expected "${close}", found ${describeToken(token)}`);
        return;
      }
      if (!item() && this.peek().kind !== "," && this.peek().kind !== close) {
        this.skip((t) => t.kind === "," || t.kind === close || t.kind === "@" || t.kind === "@@", true);
      }
      const after = this.peek();
      if (after.kind === ",") this.advance();
      else if (after.kind === "Identifier" && after.newlineBefore) {
        this.error(after, `expected "${close}", found ${describeToken(after)}`);
        return;
      } else if (after.kind !== close && after.kind !== "EOF" && after.kind !== "}" && after.kind !== "@" && after.kind !== "@@") {
        this.error(after, `expected "," or "${close}", found ${describeToken(after)}`);
      }
    }
  }

  #parseAttributes(): AttributeNode[] {
    const attributes: AttributeNode[] = [];
    while (this.peek().kind === "@") {
      const attribute = this.parseAttribute();
      if (attribute !== undefined) attributes.push(attribute);
    }
    return attributes;
  }

  /** True while the body has items; consumes the closing brace, or reports it missing. */
  #atBodyItem(): boolean {
    const token = this.peek();
    if (token.kind === "}") {
      this.advance();
      return false;
    }
    if (token.kind === "EOF" || this.#looksLikeDeclaration()) {
      this.error(token, `expected "}", found ${describeToken(token)}`);
      return false;
    }
    return true;
  }

  /** `entity|enum|mysql|redis Name (@attr (…)?)* {` at the start of a line: a missing "}". */
  #looksLikeDeclaration(): boolean {
    const first = this.peek();
    if (first.kind !== "Identifier" || !first.newlineBefore || !DECLARATION_KEYWORDS.includes(first.value)) return false;
    if (this.peek(1).kind !== "Identifier") return false;
    let i = this.pos + 2;
    while (this.tokens[i]?.kind === "@" && this.tokens[i + 1]?.kind === "Identifier") {
      i += 2;
      if (this.tokens[i]?.kind === "(") i = this.afterGroup(i, LOOKAHEAD_LIMIT);
    }
    return this.tokens[i]?.kind === "{";
  }

  #abandonDeclaration(): undefined {
    this.skip((t) => t.newlineBefore && t.kind === "Identifier" && DECLARATION_KEYWORDS.includes(t.value));
    return undefined;
  }

  /** Skips to the next line that starts a field, attribute or property; stops at the body's "}". */
  #skipInBody(extra?: (t: Token) => boolean): void {
    this.skip((t) => (t.newlineBefore && (t.kind === "Identifier" || t.kind === "@@")) || (extra?.(t) ?? false), true);
  }
}
