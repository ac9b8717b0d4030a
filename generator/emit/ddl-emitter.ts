/** `schema.sql`: CREATE TABLE statements for MariaDB 10.11 / MySQL 8, grouped by MySQL pool. */
import { expectedTables } from "../../runtime/schema-sync/expected.js";
import { createTableSql } from "../../runtime/schema-sync/table-spec.js";
import type { SchemaModel } from "../model.js";
import { tableOwners } from "./table-ddl.js";

/** Marks the start of one pool's statements in schema.sql: `-- pool: default`. */
export const POOL_MARKER = "-- pool: ";

/**
 * The whole DDL file: per pool (sorted by name) every table schema sync expects there, sorted by
 * name: entity tables, `@log` tables and the consumer's offsets table.
 */
export function emitDdl(model: SchemaModel, header: string): string {
  const parts = [`-- ${header}`];
  for (const [pool, tables] of expectedTables(tableOwners(model))) {
    parts.push(`${POOL_MARKER}${pool}\n\n${tables.map((table) => `${createTableSql(table)};`).join("\n\n")}`);
  }
  return `${parts.join("\n\n")}\n`;
}
