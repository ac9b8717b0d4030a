import { rowBytesOf } from "./column-types.js";
import type { ResolveContext } from "./context.js";
import type { EntityDraft } from "./drafts.js";
import type { Span } from "../syntax/span.js";

/** MySQL's row limits (InnoDB). */
const MAX_ROW_BYTES = 65535;
const MAX_COLUMNS = 1017;
const ID_COLUMN = "ID";

/** Pass 5: checks that span entities or whole tables: table names, columns, row size. */
export function crossCheck(entities: readonly EntityDraft[], ctx: ResolveContext): void {
  checkTables(entities, ctx);
  for (const entity of entities) {
    checkColumns(entity, ctx);
    checkRow(entity, ctx);
  }
}

/** Two tables (entities or `@log` tables) with one name in one MySQL pool. */
function checkTables(entities: readonly EntityDraft[], ctx: ResolveContext): void {
  const owners = new Map<string, { what: string; span: Span }>();
  const claim = (pool: string, table: string, what: string, span: Span): void => {
    const key = `${pool}\u0000${table.toLowerCase()}`;
    const first = owners.get(key);
    if (first === undefined) {
      owners.set(key, { what, span });
      return;
    }
    ctx.bag.report("E0601", span, `table "${table}" of ${what} conflicts with the table of ${first.what} in mysql pool "${pool}"`, {
      notes: [`${first.what} is declared at ${ctx.where(first.span)}`, "MySQL table names compare without case on many systems; rename one with @table(\"…\")"],
    });
  };
  for (const entity of entities) claim(entity.settings.mysqlPool, entity.settings.table, `entity ${entity.name}`, entity.settings.tableSpan);
  for (const entity of entities) {
    const log = entity.settings.log;
    if (log !== undefined) claim(log.mysqlPool, log.table, `the @log of entity ${entity.name}`, log.span);
  }
}

/** Column names compare without case in MySQL, and ID belongs to the implicit key. */
function checkColumns(entity: EntityDraft, ctx: ResolveContext): void {
  const columns = new Map<string, string>([[ID_COLUMN.toLowerCase(), "the implicit id"]]);
  const names = new Set<string>();
  for (const field of entity.fields) {
    if (names.has(field.name)) continue;
    names.add(field.name);
    const key = field.column.toLowerCase();
    const owner = columns.get(key);
    if (owner !== undefined) {
      ctx.bag.report("E0602", field.columnSpan, `column "${field.column}" of field "${field.name}" collides with the column of ${owner}`, {
        notes: ["MySQL column names compare without case; rename the field or give it @column(\"…\")"],
      });
    } else columns.set(key, `field "${field.name}"`);
  }
}

function checkRow(entity: EntityDraft, ctx: ResolveContext): void {
  const columns = entity.fields.length + 1;
  if (columns > MAX_COLUMNS) {
    ctx.bag.report("E0604", entity.node.name.span, `entity ${entity.name} has ${columns} columns; InnoDB allows ${MAX_COLUMNS}`);
    return;
  }
  let bytes = 8 + Math.ceil(entity.fields.filter((f) => f.nullable).length / 8);
  for (const field of entity.fields) if (field.type !== undefined) bytes += rowBytesOf(field.type);
  if (bytes > MAX_ROW_BYTES) {
    ctx.bag.report("E0603", entity.node.name.span, `a row of ${entity.name} takes up to ${bytes} bytes; MySQL allows ${MAX_ROW_BYTES}`, {
      notes: ["a varchar takes 4 bytes per character (utf8mb4); use text for long strings"],
    });
  }
}
