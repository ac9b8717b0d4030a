import type { ResolveContext } from "./context.js";
import type { EntityDraft, IndexDraft } from "./drafts.js";
import { checkIdentifier } from "./names.js";

/** Loaders every repository has, which an index's `getBy<Name>` must not repeat. */
const BUILT_IN_LOADERS = new Set(["getById", "getByIds"]);

/** Checks index names (unique without case, not PRIMARY, short enough, distinct loaders) and redundant indexes. */
export function checkIndexNames(entity: EntityDraft, ctx: ResolveContext): void {
  const fields = new Map(entity.fields.map((f) => [f.name, f]));
  const byName = new Map<string, IndexDraft>();
  const duplicates = new Set<IndexDraft>();
  const byLoader = new Map<string, IndexDraft>();
  for (const index of entity.indexes) {
    const key = index.name.toLowerCase();
    if (key === "primary") {
      duplicates.add(index);
      ctx.bag.report("E0506", index.nameSpan, `an index cannot be named "${index.name}"`, {
        notes: ["PRIMARY is the name of the primary key (id) in MySQL"],
      });
      continue;
    }
    const first = byName.get(key);
    if (first !== undefined) {
      duplicates.add(index);
      ctx.bag.report("E0503", index.nameSpan, `duplicate index name "${index.name}" in entity ${entity.name}`, {
        notes: [
          `index "${first.name}" is declared at ${ctx.where(first.span)}`,
          ...(index.origin === "block" ? [] : ['give the other index another name with name: "…"']),
        ],
      });
      continue;
    }
    byName.set(key, index);
    const field = index.origin === "block" ? undefined : fields.get(index.name);
    if (field === undefined || field.column !== field.name) {
      if (!checkIdentifier(index.name, "index", index.nameSpan, ctx)) continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(index.name)) {
      ctx.bag.report("E0310", index.nameSpan, `invalid index name "${index.name}": it names the loader getBy${loaderSuffix(index.name)}, so it must be an identifier`, {
        notes: ['use letters, digits and underscores, e.g. name: "TitleInCategory"'],
      });
      continue;
    }
    const loader = `getBy${loaderSuffix(index.name)}`;
    const clash = byLoader.get(loader);
    if (BUILT_IN_LOADERS.has(loader) || clash !== undefined) {
      ctx.bag.report("E0509", index.nameSpan, `index "${index.name}" would generate ${loader}, which ${clash ? `index "${clash.name}" generates too` : "every repository has already"}`, {
        notes: [index.origin === "block" ? 'rename the index with name: "…"' : 'rename the field, or name its index: @@index([field], name: "…")'],
      });
    } else byLoader.set(loader, index);
  }
  warnRedundant(entity.indexes.filter((index) => !duplicates.has(index)), ctx);
}

/** `title_category` → `TitleCategory`, as loader names are built. */
function loaderSuffix(name: string): string {
  return name
    .split(/_+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function warnRedundant(indexes: readonly IndexDraft[], ctx: ResolveContext): void {
  const byFields = new Map<string, IndexDraft>();
  for (const index of indexes) {
    const key = index.fields.join("\u0000");
    const twin = byFields.get(key);
    if (twin === undefined) {
      byFields.set(key, index);
      continue;
    }
    ctx.bag.report("W0501", index.span, `index "${index.name}" has the same fields as index "${twin.name}"`, {
      notes: [twin.unique === index.unique ? "MySQL would keep two identical indexes; remove one" : "the unique index serves lookups already; keep only that one"],
    });
  }
}
