/** The prepared SQL texts of one entity. Values are always `?` placeholders. */
import type { EntityModel, IndexModel } from "../model.js";
import type { EntitySql } from "../../runtime/entity-descriptor.js";
import { quoteIdent } from "./names.js";

/** The texts of the runtime's EntitySql, each valid SQL on its own (lists hold one item). */
export type EntitySqlText = EntitySql;

/** `SELECT <every column> FROM <table>`. */
export function selectPrefix(entity: EntityModel): string {
  return `SELECT ${entity.fields.map((f) => quoteIdent(f.column)).join(", ")} FROM ${quoteIdent(entity.table)}`;
}

/** Every statement the runtime runs for `entity`. */
export function entitySql(entity: EntityModel): EntitySqlText {
  const table = quoteIdent(entity.table);
  const columns = entity.fields.map((f) => quoteIdent(f.column));
  const select = selectPrefix(entity);
  const id = quoteIdent("ID");
  return {
    insert: `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
    selectById: `${select} WHERE ${id} = ?`,
    selectByIds: `${select} WHERE ${id} IN (?)`,
    selectAll: `${select} ORDER BY ${id}`,
    selectAllIds: `SELECT ${id} FROM ${table} ORDER BY ${id}`,
    selectFrom: `${select} `,
    selectIdsFrom: `SELECT ${id} FROM ${table} `,
    countFrom: `SELECT COUNT(*) FROM ${table} `,
    update: `UPDATE ${table} SET `,
    deleteByIds: `DELETE FROM ${table} WHERE ${id} IN (?)`,
  };
}

/** What follows `WHERE` in a lookup by `index`: `a = ? AND b <=> ? ORDER BY ID` (nullable columns null-safe). */
export function indexWhere(entity: EntityModel, index: IndexModel): string {
  const conditions = index.fields.map((name) => {
    const field = entity.fields.find((f) => f.name === name)!;
    return `${quoteIdent(field.column)} ${field.nullable ? "<=>" : "="} ?`;
  });
  return `${conditions.join(" AND ")} ORDER BY ${quoteIdent("ID")}${index.unique ? " LIMIT 1" : ""}`;
}

/** The id lookup by `index`, as the runtime runs it. */
export function indexSelectIds(entity: EntityModel, index: IndexModel): string {
  return `${entitySql(entity).selectIdsFrom}WHERE ${indexWhere(entity, index)}`;
}
