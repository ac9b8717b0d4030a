/**
 * What a table should look like. One shape serves both CREATE TABLE (schema.sql, migrate) and the
 * comparison with information_schema (schema sync), so the two can never disagree. beeorm-gen
 * emits an entity's columns and keys as `ddl` in its descriptor; log tables and the consumer's
 * offsets table look the same in every schema and are built here.
 */
import { quoteIdentifier } from "../sql-list.js";

/** One column as the descriptor carries it. */
export type ColumnDdl = readonly [name: string, type: string, nullable: boolean, defaultSql?: string];

/** One secondary index: its name, whether it is unique, its columns in order. */
export type KeyDdl = readonly [name: string, unique: boolean, columns: readonly string[]];

/** An entity's table as the descriptor carries it. */
export interface TableDdl {
  /** In row order (`toRow`, `fromRow`, the SQL texts), `ID` first. */
  readonly columns: readonly ColumnDdl[];
  readonly keys: readonly KeyDdl[];
}

export interface ColumnSpec {
  readonly name: string;
  /** As MySQL prints it, e.g. `varchar(100)`, `bigint unsigned`, `enum('a','b')`. */
  readonly type: string;
  readonly nullable: boolean;
  /** The DEFAULT literal as MySQL prints it back (`'active'`, `0`, `1.50`), or undefined for none. */
  readonly defaultSql: string | undefined;
  readonly autoIncrement: boolean;
}

export interface KeySpec {
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly string[];
}

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly primaryKey: readonly string[];
  readonly keys: readonly KeySpec[];
}

/** Every table beeorm creates uses this engine, character set and collation. */
export const TABLE_ENGINE = "InnoDB";
export const TABLE_CHARSET = "utf8mb4";
export const TABLE_COLLATION = "utf8mb4_unicode_ci";
const TABLE_OPTIONS = `ENGINE=${TABLE_ENGINE} DEFAULT CHARSET=${TABLE_CHARSET} COLLATE=${TABLE_COLLATION}`;

/** The consumer's table of applied stream offsets: one row per (queue, partition). */
export const OFFSETS_TABLE = "_beeorm_async_offsets";

/** `CREATE TABLE` for `spec`, one column or key per line. */
export function createTableSql(spec: TableSpec, options: { readonly ifNotExists?: boolean } = {}): string {
  const lines = [
    ...spec.columns.map(columnSql),
    `PRIMARY KEY (${spec.primaryKey.map(quoteIdentifier).join(", ")})`,
    ...spec.keys.map(keySql),
  ];
  const create = options.ifNotExists === true ? "CREATE TABLE IF NOT EXISTS" : "CREATE TABLE";
  return `${create} ${quoteIdentifier(spec.name)} (\n  ${lines.join(",\n  ")}\n) ${TABLE_OPTIONS}`;
}

/** A column definition: `` `name` type NULL|NOT NULL [AUTO_INCREMENT] [DEFAULT …] ``. */
export function columnSql(column: ColumnSpec): string {
  const parts = [quoteIdentifier(column.name), column.type, column.nullable ? "NULL" : "NOT NULL"];
  if (column.autoIncrement) parts.push("AUTO_INCREMENT");
  if (column.defaultSql !== undefined) parts.push(`DEFAULT ${column.defaultSql}`);
  return parts.join(" ");
}

/** A key definition: `` [UNIQUE ]KEY `name` (`a`, `b`) ``. */
export function keySql(key: KeySpec): string {
  return `${key.unique ? "UNIQUE KEY" : "KEY"} ${quoteIdentifier(key.name)} (${key.columns.map(quoteIdentifier).join(", ")})`;
}

/** An entity's table from the `ddl` of its descriptor. */
export function entityTable(name: string, ddl: TableDdl): TableSpec {
  return {
    name,
    columns: ddl.columns.map(([column, type, nullable, defaultSql]) => ({ name: column, type, nullable, defaultSql, autoIncrement: false })),
    primaryKey: ["ID"],
    keys: ddl.keys.map(([key, unique, keyColumns]) => ({ name: key, unique, columns: keyColumns })),
  };
}

/** A `@log` table: one row per insert, update or delete of the entity. */
export function logTable(name: string): TableSpec {
  const column = (columnName: string, type: string, nullable: boolean, autoIncrement = false): ColumnSpec => ({ name: columnName, type, nullable, defaultSql: undefined, autoIncrement });
  return {
    name,
    columns: [
      column("ID", "bigint unsigned", false, true),
      column("EntityID", "bigint unsigned", false),
      column("Date", "datetime", false),
      column("Meta", "json", true),
      column("Before", "json", true),
      column("After", "json", true),
    ],
    primaryKey: ["ID"],
    keys: [{ name: "EntityID", unique: false, columns: ["EntityID", "ID"] }],
  };
}

/** The offsets table the consumer commits with every batch, in each MySQL pool it writes to. */
export const OFFSETS_TABLE_SPEC: TableSpec = {
  name: OFFSETS_TABLE,
  columns: [
    { name: "queue", type: "varchar(100)", nullable: false, defaultSql: undefined, autoIncrement: false },
    { name: "partition", type: "smallint unsigned", nullable: false, defaultSql: undefined, autoIncrement: false },
    { name: "last_id", type: "varchar(40)", nullable: false, defaultSql: undefined, autoIncrement: false },
  ],
  primaryKey: ["queue", "partition"],
  keys: [],
};
