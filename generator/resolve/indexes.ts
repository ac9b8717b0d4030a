import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { FieldType } from "../model.js";
import type { AttributeNode } from "../syntax/ast.js";
import { checkArguments, lookupAttribute, valueLabel } from "./attribute-args.js";
import { keyBytesOf } from "./column-types.js";
import { reportUnknown, type ResolveContext } from "./context.js";
import type { EntityDraft, FieldDraft, IndexDraft } from "./drafts.js";
import { checkIndexNames } from "./index-names.js";

/** InnoDB's limits on an index (DYNAMIC row format). */
const MAX_KEY_BYTES = 3072;
const MAX_KEY_FIELDS = 16;

/** Pass 4: field, block and reference indexes of one entity, and `@cached` on fields. */
export function resolveIndexes(entity: EntityDraft, ctx: ResolveContext): void {
  const types = new Map<string, FieldType | undefined>([["id", { kind: "id" }]]);
  for (const field of entity.fields) if (!types.has(field.name)) types.set(field.name, field.type);

  for (const field of entity.fields) {
    const attribute = field.indexAttribute;
    const kind = field.type?.kind;
    if (attribute === undefined || field.type === undefined || kind === "text" || kind === "bytes") continue;
    const index: IndexDraft = {
      name: field.name,
      unique: attribute.name.value === "unique",
      fields: [field.name],
      cached: field.cachedAttribute !== undefined,
      origin: "field",
      span: attribute.span,
      nameSpan: field.node.name.span,
    };
    if (checkKeyLength(index, [field.type], ctx)) entity.indexes.push(index);
  }
  for (const attribute of entity.node.blockAttributes) {
    const index = blockIndex(attribute, types, ctx);
    if (index !== undefined) entity.indexes.push(index);
  }
  entity.indexes.sort((a, b) => a.span.start - b.span.start);
  const single = new Map<string, number>();
  entity.indexes.forEach((index, at) => {
    const [only, more] = index.fields;
    if (only !== undefined && more === undefined && !single.has(only)) single.set(only, at);
  });
  for (const field of entity.fields) {
    if (field.type?.kind === "reference") referenceIndex(entity, field, single.get(field.name));
    else if (field.cachedAttribute !== undefined && field.type !== undefined) cachedField(entity, field, single.get(field.name), ctx);
  }
  checkIndexNames(entity, ctx);
}

/** `@@unique([a, b], name: "N", cached)` / `@@index(…)`. */
function blockIndex(attribute: AttributeNode, types: ReadonlyMap<string, FieldType | undefined>, ctx: ResolveContext): IndexDraft | undefined {
  const spec = lookupAttribute(attribute, "block", undefined, ctx);
  const args = spec && checkArguments(attribute, spec, ctx);
  const list = args?.positional[0];
  if (args === undefined || list?.kind !== "Array") return undefined;
  if (list.elements.length === 0) {
    ctx.bag.report("E0508", list.span, `@@${attribute.name.value} lists no fields`, { notes: ["usage: " + (spec?.usage ?? "")] });
    return undefined;
  }
  const fields: string[] = [];
  const fieldTypes: FieldType[] = [];
  let ok = true;
  for (const element of list.elements) {
    if (element.kind !== "Identifier") {
      ctx.bag.report("E0304", element.span, `expected a field name, found ${valueLabel(element)}`);
      ok = false;
      continue;
    }
    const name = element.value;
    if (!types.has(name)) {
      reportUnknown(ctx, "E0501", element.span, `unknown field "${name}" in @@${attribute.name.value}`, () => ({
        suggestion: didYouMean(name, types.keys()),
      }));
      ok = false;
    } else if (fields.includes(name)) {
      ctx.bag.report("E0502", element.span, `field "${name}" is listed twice in this index`);
      ok = false;
    } else {
      const type = types.get(name);
      if (type === undefined) ok = false;
      else if (type.kind === "text" || type.kind === "bytes") {
        ctx.bag.report("E0507", element.span, `${type.kind} field "${name}" cannot be indexed`, {
          notes: ["MySQL indexes TEXT and BLOB columns only by a prefix length; use a varchar for an indexed string"],
        });
        ok = false;
      } else fieldTypes.push(type);
      fields.push(name);
    }
  }
  if (fields.length > MAX_KEY_FIELDS) {
    ctx.bag.report("E0505", list.span, `an index has at most ${MAX_KEY_FIELDS} fields; this one has ${fields.length}`);
    ok = false;
  }
  if (!ok) return undefined;
  const nameValue = args.named.get("name");
  const index: IndexDraft = {
    name: nameValue?.kind === "String" ? nameValue.value : fields.join("_"),
    unique: attribute.name.value === "unique",
    fields,
    cached: args.flags.has("cached"),
    origin: "block",
    span: attribute.span,
    nameSpan: nameValue?.span ?? attribute.span,
  };
  return checkKeyLength(index, fieldTypes, ctx) ? index : undefined;
}

function checkKeyLength(index: IndexDraft, types: readonly FieldType[], ctx: ResolveContext): boolean {
  const bytes = types.reduce((sum, type) => sum + (keyBytesOf(type) ?? 0), 0);
  if (bytes <= MAX_KEY_BYTES) return true;
  ctx.bag.report("E0504", index.span, `index "${index.name}" has a ${bytes}-byte key; InnoDB allows ${MAX_KEY_BYTES} bytes`, {
    notes: ["a varchar takes 4 bytes per character in a utf8mb4 key; shorten it or index fewer fields"],
  });
  return false;
}

/** Every reference gets an index named after it, unless one on exactly that field exists (at `at`). */
function referenceIndex(entity: EntityDraft, field: FieldDraft, at: number | undefined): void {
  field.cached = field.cachedAttribute !== undefined;
  const existing = at === undefined ? undefined : entity.indexes[at];
  if (at !== undefined && existing !== undefined) {
    if (field.cached) entity.indexes[at] = { ...existing, cached: true };
    return;
  }
  entity.indexes.push({
    name: field.name,
    unique: false,
    fields: [field.name],
    cached: field.cached,
    origin: "reference",
    span: field.node.name.span,
    nameSpan: field.node.name.span,
  });
}

/** `@cached` on a non-reference field caches the index on exactly that field (at `at`). */
function cachedField(entity: EntityDraft, field: FieldDraft, at: number | undefined, ctx: ResolveContext): void {
  const existing = at === undefined ? undefined : entity.indexes[at];
  if (at !== undefined && existing !== undefined) {
    entity.indexes[at] = { ...existing, cached: true };
    return;
  }
  if (field.indexAttribute !== undefined || ctx.incomplete) return;
  const inComposite = entity.indexes.some((index) => index.fields.includes(field.name));
  ctx.bag.report("E0308", field.cachedAttribute?.span ?? field.node.span, `@cached on "${field.name}" needs an index on it or a reference`, {
    notes: [
      inComposite
        ? "to cache a multi-field index, write cached in it: @@index([a, b], cached)"
        : "add @index or @unique to the field; @cached caches lookups by that index",
    ],
  });
}
