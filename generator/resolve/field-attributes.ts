import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { AttributeNode, ValueNode } from "../syntax/ast.js";
import { attributeLabel, checkArguments, lookupAttribute } from "./attribute-args.js";
import type { ResolveContext } from "./context.js";
import { checkDefault } from "./defaults.js";
import type { FieldDraft } from "./drafts.js";
import { checkIdentifier } from "./names.js";
import { typeLabel, unsignedName } from "./scalar-types.js";

const MAX_FLOAT_PRECISION = 30;
const BYTES_SIZES = ["medium", "long"] as const;

/** Pass 3b: applies `@attr…` of one field to its draft. */
export function resolveFieldAttributes(field: FieldDraft, ctx: ResolveContext): void {
  const seen = new Set<string>();
  let defaultValue: ValueNode | undefined;
  let columnGiven = false;
  for (const attribute of field.node.attributes) {
    const spec = lookupAttribute(attribute, "field", seen, ctx);
    const args = spec && checkArguments(attribute, spec, ctx);
    if (args === undefined) continue;
    const value = args.positional[0];
    switch (attribute.name.value) {
      case "unique":
      case "index":
        applyIndex(field, attribute, ctx);
        break;
      case "cached":
        field.cachedAttribute = attribute;
        break;
      case "default":
        defaultValue = value;
        break;
      case "precision":
        if (value !== undefined) applyPrecision(field, attribute, value, ctx);
        break;
      case "unsigned":
        applyUnsigned(field, attribute, ctx);
        break;
      case "column":
        columnGiven = true;
        if (value?.kind === "String" && checkIdentifier(value.value, "column", value.span, ctx)) {
          field.column = value.value;
          field.columnSpan = value.span;
        }
        break;
      case "size":
        if (value?.kind === "Identifier") applySize(field, attribute, value.value, value, ctx);
        break;
    }
  }
  if (!columnGiven) checkIdentifier(field.column, "column", field.columnSpan, ctx);
  if (field.type === undefined) return;
  if (defaultValue !== undefined) field.default = checkDefault(defaultValue, field.type, field.unsigned, ctx);
  else if (field.type.kind === "enum" && !field.nullable && field.type.values[0] !== undefined) {
    field.default = { kind: "enum", value: field.type.values[0] };
  }
}

function notAllowed(field: FieldDraft, attribute: AttributeNode, note: string, ctx: ResolveContext): void {
  const label = field.type === undefined ? "this type" : typeLabel(field.type);
  ctx.bag.report("E0302", attribute.span, `${attributeLabel(attribute)} is not allowed on ${label}`, { notes: [note] });
}

function applyIndex(field: FieldDraft, attribute: AttributeNode, ctx: ResolveContext): void {
  if (field.indexAttribute !== undefined) {
    ctx.bag.report("E0309", attribute.span, `${attributeLabel(attribute)} conflicts with ${attributeLabel(field.indexAttribute)}`, {
      notes: ["a unique index is an index already; keep one of them"],
    });
    return;
  }
  field.indexAttribute = attribute;
  const kind = field.type?.kind;
  if (kind === "text" || kind === "bytes") {
    ctx.bag.report("E0507", attribute.span, `${kind} field "${field.name}" cannot be indexed`, {
      notes: ["MySQL indexes TEXT and BLOB columns only by a prefix length; use a varchar for an indexed string"],
    });
  }
}

function applyPrecision(field: FieldDraft, attribute: AttributeNode, value: ValueNode, ctx: ResolveContext): void {
  if (field.type === undefined) return;
  if (field.type.kind !== "float") {
    notAllowed(field, attribute, field.type.kind === "decimal" ? "decimal(p, s) sets its digits with s already" : "@precision applies to float32 and float64", ctx);
    return;
  }
  const digits = value.kind === "Number" && /^\d{1,3}$/.test(value.value) ? Number(value.value) : NaN;
  if (digits >= 0 && digits <= MAX_FLOAT_PRECISION) field.precision = digits;
  else {
    ctx.bag.report("E0307", value.span, `@precision must be a whole number from 0 to ${MAX_FLOAT_PRECISION}, found ${value.kind === "Number" ? value.value : "a non-number"}`);
  }
}

function applyUnsigned(field: FieldDraft, attribute: AttributeNode, ctx: ResolveContext): void {
  const type = field.type;
  if (type === undefined) return;
  if (type.kind === "float" || type.kind === "decimal") field.unsigned = true;
  else if (type.kind === "int") {
    notAllowed(field, attribute, type.unsigned ? `${typeLabel(type)} is unsigned already` : `use ${unsignedName(type)} instead`, ctx);
  } else notAllowed(field, attribute, "@unsigned applies to float32, float64 and decimal", ctx);
}

function applySize(field: FieldDraft, attribute: AttributeNode, size: string, value: ValueNode, ctx: ResolveContext): void {
  const type = field.type;
  if (type === undefined) return;
  if (type.kind !== "bytes") {
    notAllowed(field, attribute, "@size applies to bytes", ctx);
    return;
  }
  const known = BYTES_SIZES.find((s) => s === size);
  if (known === undefined) {
    ctx.bag.report("E0304", value.span, `@size must be medium or long, found ${size}`, {
      suggestion: didYouMean(size, BYTES_SIZES),
      notes: ["bytes is a blob (64 KB); @size(medium) is 16 MB, @size(long) 4 GB"],
    });
    return;
  }
  field.type = { kind: "bytes", size: known };
}
