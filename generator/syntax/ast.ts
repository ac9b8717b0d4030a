import type { Span } from "./span.js";

/** A name as written, e.g. an entity, field, type or attribute name. */
export interface IdentifierNode {
  readonly kind: "Identifier";
  readonly span: Span;
  readonly value: string;
}

/** `"…"`, already unescaped. */
export interface StringNode {
  readonly kind: "String";
  readonly span: Span;
  readonly value: string;
}

/** A number literal; `value` is its text, e.g. `-5`, `3.14`. */
export interface NumberNode {
  readonly kind: "Number";
  readonly span: Span;
  readonly value: string;
}

/** `[a, b, …]`. */
export interface ArrayNode {
  readonly kind: "Array";
  readonly span: Span;
  readonly elements: readonly ValueNode[];
}

/** `name(args…)`, e.g. `env("VAR", "fallback")`. */
export interface CallNode {
  readonly kind: "Call";
  readonly span: Span;
  readonly callee: IdentifierNode;
  readonly args: readonly ArgumentNode[];
}

/** Anything that can appear as an argument or a property value. */
export type ValueNode = IdentifierNode | StringNode | NumberNode | ArrayNode | CallNode;

/** `value` or `name: value` inside an argument list. */
export interface ArgumentNode {
  readonly kind: "Argument";
  readonly span: Span;
  readonly name: IdentifierNode | undefined;
  readonly value: ValueNode;
}

/** `@name(args…)` or, when `block`, `@@name(args…)`; `args` is undefined without parentheses. */
export interface AttributeNode {
  readonly kind: "Attribute";
  readonly span: Span;
  readonly block: boolean;
  readonly name: IdentifierNode;
  readonly args: readonly ArgumentNode[] | undefined;
}

/** `Name(args…)[]?` in a field. */
export interface TypeNode {
  readonly kind: "Type";
  readonly span: Span;
  readonly name: IdentifierNode;
  readonly args: readonly ArgumentNode[] | undefined;
  readonly list: boolean;
  readonly optional: boolean;
}

/** `name Type @attr…`. */
export interface FieldNode {
  readonly kind: "Field";
  readonly span: Span;
  readonly name: IdentifierNode;
  readonly type: TypeNode;
  readonly attributes: readonly AttributeNode[];
  readonly doc: string | undefined;
}

/** `entity Name @attr… { field… @@attr… }`. */
export interface EntityNode {
  readonly kind: "Entity";
  readonly span: Span;
  readonly name: IdentifierNode;
  readonly attributes: readonly AttributeNode[];
  readonly fields: readonly FieldNode[];
  readonly blockAttributes: readonly AttributeNode[];
  readonly doc: string | undefined;
}

/** One value of an enum: a name or a quoted string. */
export interface EnumValueNode {
  readonly kind: "EnumValue";
  readonly span: Span;
  readonly value: string;
}

/** `enum Name { v1 v2 "v 3" }`. */
export interface EnumNode {
  readonly kind: "Enum";
  readonly span: Span;
  readonly name: IdentifierNode;
  readonly values: readonly EnumValueNode[];
  readonly doc: string | undefined;
}

/** `name = value` inside a pool declaration. */
export interface PropertyNode {
  readonly kind: "Property";
  readonly span: Span;
  readonly name: IdentifierNode;
  readonly value: ValueNode;
}

/** `mysql Name { … }` or `redis Name { … }`. */
export interface PoolNode {
  readonly kind: "Pool";
  readonly span: Span;
  readonly engine: "mysql" | "redis";
  readonly name: IdentifierNode;
  readonly properties: readonly PropertyNode[];
  readonly doc: string | undefined;
}

/** A top-level declaration. */
export type DeclarationNode = PoolNode | EnumNode | EntityNode;

/** One parsed `.bee` file. */
export interface SchemaFileNode {
  readonly kind: "SchemaFile";
  readonly span: Span;
  readonly declarations: readonly DeclarationNode[];
}
