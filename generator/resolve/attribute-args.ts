import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { AttributeNode, ValueNode } from "../syntax/ast.js";
import type { ArgumentKind, AttributeSpec } from "./attribute-specs.js";
import { BLOCK_ATTRIBUTES, ENTITY_ATTRIBUTES, FIELD_ATTRIBUTES } from "./attribute-specs.js";
import type { ResolveContext } from "./context.js";

/** Where an attribute is written. */
export type AttributePosition = "entity" | "field" | "block";

const TABLES: Record<AttributePosition, ReadonlyMap<string, AttributeSpec>> = {
  entity: ENTITY_ATTRIBUTES,
  field: FIELD_ATTRIBUTES,
  block: BLOCK_ATTRIBUTES,
};

/** Arguments of an attribute, checked against its spec. */
export interface AttributeArguments {
  readonly positional: readonly ValueNode[];
  readonly named: ReadonlyMap<string, ValueNode>;
  readonly flags: ReadonlySet<string>;
}

/** `@name` or `@@name` as written. */
export function attributeLabel(attribute: AttributeNode): string {
  return `${attribute.block ? "@@" : "@"}${attribute.name.value}`;
}

/**
 * The spec of a known attribute, reporting unknown (with a suggestion) and repeated ones.
 * `seen` collects the names already used at this place; pass undefined where repeats are fine.
 */
export function lookupAttribute(
  attribute: AttributeNode,
  position: AttributePosition,
  seen: Set<string> | undefined,
  ctx: ResolveContext,
): AttributeSpec | undefined {
  const name = attribute.name.value;
  const label = attributeLabel(attribute);
  const spec = TABLES[position].get(name);
  if (spec === undefined) {
    const prefix = position === "block" ? "@@" : "@";
    const suggestion = didYouMean(name, TABLES[position].keys());
    ctx.bag.report("E0301", attribute.span, `unknown ${position} attribute ${label}`, {
      suggestion: suggestion === undefined ? undefined : prefix + suggestion,
      notes: misplacedNote(name, position),
    });
    return undefined;
  }
  if (seen !== undefined) {
    if (seen.has(name)) {
      ctx.bag.report("E0303", attribute.span, `duplicate attribute ${label}`);
      return undefined;
    }
    seen.add(name);
  }
  return spec;
}

function misplacedNote(name: string, position: AttributePosition): string[] {
  if (position === "entity" && BLOCK_ATTRIBUTES.has(name)) {
    return [`to index several fields, write @@${name}([field1, field2]) inside the entity body`];
  }
  if (position !== "field" && FIELD_ATTRIBUTES.has(name)) return [`@${name} is a field attribute`];
  if (position !== "entity" && ENTITY_ATTRIBUTES.has(name)) return [`@${name} is an entity attribute, written after the entity name`];
  return [];
}

/** Checks the arguments of `attribute` against `spec`; undefined (after reporting) when they do not fit. */
export function checkArguments(attribute: AttributeNode, spec: AttributeSpec, ctx: ResolveContext): AttributeArguments | undefined {
  const label = attributeLabel(attribute);
  const notes = [`usage: ${spec.usage}`];
  const positional: ValueNode[] = [];
  const named = new Map<string, ValueNode>();
  const flags = new Set<string>();
  let ok = true;
  const fail = (span: AttributeNode["span"], message: string, suggestion?: string): void => {
    ctx.bag.report("E0304", span, message, { notes, suggestion });
    ok = false;
  };
  for (const arg of attribute.args ?? []) {
    const value = arg.value;
    if (arg.name !== undefined) {
      const key = arg.name.value;
      const kind = spec.named?.[key];
      if (kind === undefined) fail(arg.name.span, `unknown argument "${key}" for ${label}`, didYouMean(key, Object.keys(spec.named ?? {})));
      else if (named.has(key)) fail(arg.span, `duplicate argument "${key}" for ${label}`);
      else if (!matches(kind, value)) fail(value.span, `${label}: ${key} must be ${kindLabel(kind)}, found ${valueLabel(value)}`);
      else named.set(key, value);
    } else if (value.kind === "Identifier" && spec.flags !== undefined && positional.length >= spec.positional.length) {
      if (!spec.flags.includes(value.value)) fail(value.span, `unknown option "${value.value}" for ${label}`, didYouMean(value.value, spec.flags));
      else if (flags.has(value.value)) fail(value.span, `duplicate option "${value.value}" for ${label}`);
      else flags.add(value.value);
    } else {
      const kind = spec.positional[positional.length];
      if (kind === undefined) {
        fail(arg.span, `${label} takes ${countLabel(spec.positional.length)}`);
        break;
      }
      if (!matches(kind, value)) fail(value.span, `${label} expects ${kindLabel(kind)}, found ${valueLabel(value)}`);
      positional.push(value);
    }
  }
  if (ok && positional.length < spec.required) {
    fail(attribute.span, `${label} needs ${countLabel(spec.required)}`);
  }
  return ok ? { positional, named, flags } : undefined;
}

function matches(kind: ArgumentKind, value: ValueNode): boolean {
  switch (kind) {
    case "string":
      return value.kind === "String";
    case "number":
      return value.kind === "Number";
    case "name":
      return value.kind === "Identifier";
    case "list":
      return value.kind === "Array";
    case "value":
      return value.kind !== "Call";
  }
}

function countLabel(count: number): string {
  return count === 0 ? "no arguments" : count === 1 ? "1 argument" : `${count} arguments`;
}

function kindLabel(kind: ArgumentKind): string {
  return { string: "a string", number: "a number", name: "a name", list: "a list", value: "a value" }[kind];
}

/** How a value is named in messages. */
export function valueLabel(value: ValueNode): string {
  switch (value.kind) {
    case "String":
      return `string "${value.value}"`;
    case "Number":
      return `number ${value.value}`;
    case "Identifier":
      return `name ${value.value}`;
    case "Array":
      return "a list";
    case "Call":
      return `a call of ${value.callee.value}()`;
  }
}
