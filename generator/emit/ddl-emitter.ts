/** `schema.sql`: CREATE TABLE statements for MariaDB 10.11 / MySQL 8, grouped by MySQL pool. */
import type { DefaultValue, EntityModel, FieldModel, IndexModel, SchemaModel } from "../model.js";
import { quoteIdent, quoteSqlString } from "./names.js";

const TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

/** Marks the start of one pool's statements in schema.sql: `-- pool: default`. */
export const POOL_MARKER = "-- pool: ";

/** The whole DDL file; pools and tables sorted by name. */
export function emitDdl(model: SchemaModel, header: string): string {
  const parts = [`-- ${header}`];
  const pools = [...new Set(model.entities.flatMap((e) => [e.mysqlPool, ...(e.log ? [e.log.mysqlPool] : [])]))].sort();
  for (const pool of pools) {
    const tables: [string, string][] = [];
    for (const entity of model.entities) {
      if (entity.mysqlPool === pool) tables.push([entity.table, createTable(entity)]);
      if (entity.log?.mysqlPool === pool) tables.push([entity.log.table, createLogTable(entity.log.table)]);
    }
    tables.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    parts.push(`${POOL_MARKER}${pool}\n\n${tables.map(([, sql]) => sql).join("\n\n")}`);
  }
  return `${parts.join("\n\n")}\n`;
}

/** `CREATE TABLE` for one entity. */
export function createTable(entity: EntityModel): string {
  const lines = entity.fields.map(columnDefinition);
  lines.push(`PRIMARY KEY (${quoteIdent("ID")})`);
  for (const index of entity.indexes) if (!index.covered) lines.push(indexDefinition(entity, index));
  return `CREATE TABLE ${quoteIdent(entity.table)} (\n  ${lines.join(",\n  ")}\n) ${TABLE_OPTIONS};`;
}

/** `CREATE TABLE` for a `@log` change-log table. */
export function createLogTable(table: string): string {
  const lines = [
    "`ID` bigint unsigned NOT NULL AUTO_INCREMENT",
    "`EntityID` bigint unsigned NOT NULL",
    "`Date` datetime NOT NULL",
    "`Meta` json NULL",
    "`Before` json NULL",
    "`After` json NULL",
    "PRIMARY KEY (`ID`)",
    "KEY `EntityID` (`EntityID`, `ID`)",
  ];
  return `CREATE TABLE ${quoteIdent(table)} (\n  ${lines.join(",\n  ")}\n) ${TABLE_OPTIONS};`;
}

function columnDefinition(field: FieldModel): string {
  const nullability = field.nullable ? "NULL" : "NOT NULL";
  const fallback = field.default === undefined ? "" : ` DEFAULT ${defaultLiteral(field, field.default)}`;
  return `${quoteIdent(field.column)} ${field.mysqlType} ${nullability}${fallback}`;
}

function indexDefinition(entity: EntityModel, index: IndexModel): string {
  const columns = index.fields.map((name) => quoteIdent(entity.fields.find((f) => f.name === name)!.column));
  return `${index.unique ? "UNIQUE KEY" : "KEY"} ${quoteIdent(index.name)} (${columns.join(", ")})`;
}

/** The DEFAULT clause as MySQL prints it back: decimals to their scale, set members in enum order. */
function defaultLiteral(field: FieldModel, value: DefaultValue): string {
  switch (value.kind) {
    case "number":
      return field.type.kind === "decimal" ? Number(value.value).toFixed(field.type.scale) : value.value;
    case "bool":
      return value.value ? "1" : "0";
    case "string":
    case "enum":
      return quoteSqlString(value.value);
    case "set":
      return quoteSqlString(setInEnumOrder(field, value.values).join(","));
  }
}

/** Set members deduplicated and in the enum's order, as MySQL stores them. */
export function setInEnumOrder(field: FieldModel, members: readonly string[]): string[] {
  return field.type.kind === "set" ? field.type.values.filter((v) => members.includes(v)) : [...members];
}
