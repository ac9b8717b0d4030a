import type { EnumModel } from "../model.js";
import type { EntityNode } from "../syntax/ast.js";
import type { ResolveContext } from "./context.js";
import type { Declarations } from "./declarations.js";
import type { FieldDraft } from "./drafts.js";
import { resolveFieldType } from "./field-types.js";
import { isReservedFieldName } from "./reserved-names.js";

/** Pass 2: the fields of one entity with their types; duplicate and reserved names are reported. */
export function draftFields(
  entity: EntityNode,
  declarations: Declarations,
  enums: ReadonlyMap<string, EnumModel>,
  ctx: ResolveContext,
): FieldDraft[] {
  const fields: FieldDraft[] = [];
  const seen = new Map<string, FieldDraft>();
  for (const node of entity.fields) {
    const name = node.name.value;
    if (isReservedFieldName(name)) {
      ctx.bag.report("E0115", node.name.span, `field name "${name}" is reserved`, {
        notes: [name === "id" ? "every entity has an implicit id field (bigint unsigned primary key); remove this one" : `"${name}" is special on JavaScript objects`],
      });
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      ctx.bag.report("E0114", node.name.span, `duplicate field "${name}" in entity ${entity.name.value}`, {
        notes: [`the first one is at ${ctx.where(first.node.name.span)}`],
      });
      continue;
    }
    const field: FieldDraft = {
      node,
      name,
      nullable: node.type.optional,
      type: resolveFieldType(node.type, declarations, enums, ctx),
      column: name,
      columnSpan: node.name.span,
      unsigned: false,
      precision: undefined,
      default: undefined,
      indexAttribute: undefined,
      cachedAttribute: undefined,
      cached: false,
    };
    seen.set(name, field);
    fields.push(field);
  }
  return fields;
}
