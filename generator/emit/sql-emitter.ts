/** The prepared SQL texts of one entity. Values are always `?` placeholders. */
import type { EntityModel, IndexModel } from "../model.js";
import { quoteIdent } from "./names.js";

export interface SqlListText {
  readonly prefix: string;
  readonly item: string;
  readonly separator: string;
  readonly suffix: string;
}

export interface EntitySqlText {
  readonly insert: SqlListText;
  readonly selectById: string;
  readonly selectByIds: SqlListText;
  readonly selectAll: string;
  readonly selectAllIds: string;
  readonly selectFrom: string;
  readonly selectIdsFrom: string;
  readonly countFrom: string;
  readonly update: { readonly prefix: string; readonly assignments: readonly string[]; readonly suffix: string };
  readonly deleteByIds: SqlListText;
}

/** Every statement the runtime runs for `entity`. */
export function entitySql(entity: EntityModel): EntitySqlText {
  const table = quoteIdent(entity.table);
  const columns = entity.fields.map((f) => quoteIdent(f.column));
  const select = `SELECT ${columns.join(", ")} FROM ${table}`;
  const id = quoteIdent("ID");
  return {
    insert: {
      prefix: `INSERT INTO ${table} (${columns.join(", ")}) VALUES `,
      item: `(${columns.map(() => "?").join(", ")})`,
      separator: ", ",
      suffix: "",
    },
    selectById: `${select} WHERE ${id} = ?`,
    selectByIds: { prefix: `${select} WHERE ${id} IN (`, item: "?", separator: ", ", suffix: ")" },
    selectAll: `${select} ORDER BY ${id}`,
    selectAllIds: `SELECT ${id} FROM ${table} ORDER BY ${id}`,
    selectFrom: `${select} `,
    selectIdsFrom: `SELECT ${id} FROM ${table} `,
    countFrom: `SELECT COUNT(*) FROM ${table} `,
    update: { prefix: `UPDATE ${table} SET `, assignments: columns.map((c) => `${c} = ?`), suffix: ` WHERE ${id} = ?` },
    deleteByIds: { prefix: `DELETE FROM ${table} WHERE ${id} IN (`, item: "?", separator: ", ", suffix: ")" },
  };
}

/** `SELECT ID … WHERE a = ? AND b <=> ? ORDER BY ID`: the ids matching one key of `index`. */
export function indexSelectIds(entity: EntityModel, index: IndexModel): string {
  return indexSelect(entity, index, quoteIdent("ID"));
}

/** The same lookup selecting every column. */
export function indexSelectRows(entity: EntityModel, index: IndexModel): string {
  return indexSelect(entity, index, entity.fields.map((f) => quoteIdent(f.column)).join(", "));
}

function indexSelect(entity: EntityModel, index: IndexModel, columns: string): string {
  const conditions = index.fields.map((name) => {
    const field = entity.fields.find((f) => f.name === name)!;
    return `${quoteIdent(field.column)} ${field.nullable ? "<=>" : "="} ?`;
  });
  const limit = index.unique ? " LIMIT 1" : "";
  return `SELECT ${columns} FROM ${quoteIdent(entity.table)} WHERE ${conditions.join(" AND ")} ORDER BY ${quoteIdent("ID")}${limit}`;
}

