/**
 * Reads a pool's database as information_schema describes it: tables, columns, indexes and
 * foreign keys, with types and defaults already in the schema's spelling (normalize.ts).
 */
import type { MysqlPool } from "../mysql-pool.js";
import { liveDefault, normalizeCollation, type Flavor } from "./normalize.js";

export interface LiveColumn {
  readonly name: string;
  /** COLUMN_TYPE as the server prints it. */
  readonly type: string;
  readonly nullable: boolean;
  /** The DEFAULT literal in the schema's spelling (normalize.ts), or undefined for none. */
  readonly defaultSql: string | undefined;
  readonly autoIncrement: boolean;
  /** undefined for types without a collation. */
  readonly collation: string | undefined;
}

export interface LiveKey {
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly string[];
  /** A FULLTEXT or SPATIAL index, or one over column prefixes: never what the schema declares. */
  readonly special: boolean;
}

export interface LiveForeignKey {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
}

export interface LiveTable {
  readonly name: string;
  readonly engine: string;
  readonly collation: string;
  readonly columns: LiveColumn[];
  readonly primaryKey: string[];
  readonly keys: LiveKey[];
  readonly foreignKeys: LiveForeignKey[];
}

export interface LiveDatabase {
  readonly flavor: Flavor;
  /** `host:port/database`: pools with the same identity share one database. */
  readonly identity: string;
  readonly tables: ReadonlyMap<string, LiveTable>;
  /** The table named `name`, matched as the server matches names (without case under lower_case_table_names). */
  table(name: string): LiveTable | undefined;
}

const TABLES = "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'";
const COLUMNS =
  "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION";
const INDEXES =
  "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";
const FOREIGN_KEYS =
  "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/** Everything schema sync needs to know about the database `mysql` connects to. */
export async function readDatabase(mysql: MysqlPool): Promise<LiveDatabase> {
  const [server] = await mysql.select("SELECT VERSION(), DATABASE(), @@hostname, @@port, @@lower_case_table_names", []);
  const [version, database, host, port, lowerCase] = (server ?? []).map(text);
  if (database === undefined) throw new Error(`MySQL pool "${mysql.name}" has no database selected: put one in its URL (mysql://host:3306/name)`);
  const flavor: Flavor = version?.toLowerCase().includes("mariadb") === true ? "mariadb" : "mysql";
  const tables = new Map<string, LiveTable>();
  for (const row of await mysql.select(TABLES, [])) {
    const name = text(row[0])!;
    tables.set(name, { name, engine: text(row[1]) ?? "", collation: normalizeCollation(text(row[2]) ?? ""), columns: [], primaryKey: [], keys: [], foreignKeys: [] });
  }
  for (const row of await mysql.select(COLUMNS, [])) {
    const table = tables.get(text(row[0])!);
    if (table === undefined) continue; // a view
    const type = text(row[2])!;
    const extra = (text(row[5]) ?? "").toLowerCase();
    const collation = text(row[6]);
    table.columns.push({
      name: text(row[1])!,
      type,
      nullable: text(row[3]) === "YES",
      defaultSql: liveDefault(text(row[4]) ?? null, type, flavor, extra.includes("default_generated")),
      autoIncrement: extra.includes("auto_increment"),
      collation: collation === undefined ? undefined : normalizeCollation(collation),
    });
  }
  for (const row of await mysql.select(INDEXES, [])) {
    const table = tables.get(text(row[0])!);
    if (table === undefined) continue;
    const [name, column] = [text(row[1])!, text(row[3])!];
    if (name === "PRIMARY") {
      table.primaryKey.push(column);
      continue;
    }
    const special = row[4] !== null || !["BTREE", "HASH"].includes(text(row[5]) ?? "BTREE");
    const last = table.keys.at(-1);
    if (last?.name === name) {
      (last.columns as string[]).push(column);
      if (special) table.keys[table.keys.length - 1] = { ...last, special };
    } else {
      table.keys.push({ name, unique: Number(row[2]) === 0, columns: [column], special });
    }
  }
  for (const row of await mysql.select(FOREIGN_KEYS, [])) {
    const table = tables.get(text(row[0])!);
    if (table === undefined) continue;
    const [name, column, referenced] = [text(row[1])!, text(row[2])!, text(row[3])!];
    const last = table.foreignKeys.at(-1);
    if (last?.name === name) (last.columns as string[]).push(column);
    else table.foreignKeys.push({ name, columns: [column], referencedTable: referenced });
  }
  // With lower_case_table_names 1 or 2 (Windows, macOS), `Product` and `product` are one table.
  const folded = lowerCase !== "0" ? new Map([...tables.values()].map((t) => [t.name.toLowerCase(), t])) : undefined;
  const table = (name: string): LiveTable | undefined => (folded === undefined ? tables.get(name) : folded.get(name.toLowerCase()));
  return { flavor, identity: `${host}:${port}/${database}`, tables, table };
}

/** information_schema values arrive as strings, numbers or (binary collations) Buffers. */
function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}
