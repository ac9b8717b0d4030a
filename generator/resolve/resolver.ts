import type { SchemaModel } from "../model.js";
import type { SchemaFileNode } from "../syntax/ast.js";
import { buildModel } from "./build-model.js";
import { fileNameOf, type ResolveContext } from "./context.js";
import { crossCheck } from "./cross-checks.js";
import { collectDeclarations } from "./declarations.js";
import type { EntityDraft } from "./drafts.js";
import { resolveEntitySettings } from "./entity-attributes.js";
import { resolveEnums } from "./enums.js";
import { resolveFieldAttributes } from "./field-attributes.js";
import { draftFields } from "./fields.js";
import { resolveIndexes } from "./indexes.js";
import { resolvePools } from "./pools.js";

/**
 * Resolves parsed files into the schema model in ordered passes: declarations, types,
 * attributes, indexes and references, cross-checks. Every pass reports into `ctx.bag`;
 * the model is returned only when no error was reported (by any phase).
 */
export function resolveSchema(files: readonly SchemaFileNode[], ctx: ResolveContext): SchemaModel | undefined {
  const declarations = collectDeclarations(files, ctx);
  const pools = resolvePools(declarations, ctx);
  const enums = resolveEnums(declarations, ctx);

  const typed = [...declarations.entities.values()].map((node) => ({
    node,
    fields: draftFields(node, declarations, enums, ctx),
  }));

  const entities: EntityDraft[] = typed.map(({ node, fields }) => {
    for (const field of fields) resolveFieldAttributes(field, ctx);
    return {
      node,
      name: node.name.value,
      file: fileNameOf(ctx, node.span),
      settings: resolveEntitySettings(node, pools, ctx),
      fields,
      indexes: [],
    };
  });

  for (const entity of entities) resolveIndexes(entity, ctx);
  crossCheck(entities, ctx);

  if (ctx.bag.errorCount > 0) return undefined;
  return buildModel(ctx.fileNames, pools, enums.values(), entities);
}
