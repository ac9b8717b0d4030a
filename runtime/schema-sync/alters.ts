/**
 * Schema sync: the statements that make each MySQL pool's database match the schema
 * (`engine.getAlters()`, `beeorm-gen migrate`), and applying them. A missing table is created; an
 * existing one gets at most two ALTER TABLEs, one with its safe changes and one with the unsafe
 * ones, so that the safe part can be applied alone. Foreign keys on the schema's tables and tables
 * no entity owns are reported with the statement that would drop them, and dropped only on request.
 */
import type { MysqlPool } from "../mysql-pool.js";
import { quoteIdentifier } from "../sql-list.js";
import { tableChanges, type Change, type UniqueCheck } from "./diff.js";
import { readDatabase, type LiveDatabase } from "./introspect.js";
import { createTableSql, type TableSpec } from "./table-spec.js";

/** One statement of schema sync. */
export interface Alter {
  readonly pool: string;
  readonly table: string;
  /**
   * `create` and `alter` make the database match the schema; `foreign-key` (a foreign key on one of
   * the schema's tables) and `foreign-table` (a table no entity owns) are reported, and their `sql`
   * drops them.
   */
  readonly kind: "create" | "alter" | "foreign-key" | "foreign-table";
  /** False when the statement may lose data: dropping or narrowing a column, changing a type, … */
  readonly safe: boolean;
  /** The statement, without a trailing semicolon. */
  readonly sql: string;
  /** What it changes, one line per change, in words. */
  readonly changes: readonly string[];
}

export interface ApplyAltersOptions {
  /** Also run the unsafe `create`/`alter` statements. */
  readonly unsafe?: boolean;
  /** Also drop the reported foreign keys and foreign tables. */
  readonly dropForeign?: boolean;
  /** Called before each statement runs. */
  readonly onStatement?: (alter: Alter) => void;
}

/**
 * Compares every pool's database with the tables the schema expects there.
 *
 * @param pools MySQL pools by name.
 * @param expected pool name → the tables it should hold.
 */
export async function getAlters(pools: (name: string) => MysqlPool, expected: ReadonlyMap<string, readonly TableSpec[]>): Promise<Alter[]> {
  const databases = new Map<string, LiveDatabase>();
  for (const pool of expected.keys()) databases.set(pool, await readDatabase(pools(pool)));
  // Pools may share a database: a table is foreign only when no pool on that database owns it, and
  // a table two pools expect there (the offsets table) is compared once.
  const owned = new Map<string, Set<string>>();
  for (const [pool, tables] of expected) {
    const database = databases.get(pool)!;
    const names = owned.get(database.identity) ?? new Set<string>();
    // Under lower_case_table_names the live table may spell the name otherwise.
    for (const table of tables) names.add(database.table(table.name)?.name ?? table.name);
    owned.set(database.identity, names);
  }
  const compared = new Set<string>();
  const reported = new Set<string>();
  const alters: Alter[] = [];
  for (const [pool, tables] of expected) {
    const database = databases.get(pool)!;
    const mysql = pools(pool);
    const foreign: Alter[] = [];
    if (!reported.has(database.identity)) {
      reported.add(database.identity);
      const ownedHere = owned.get(database.identity)!;
      for (const table of [...database.tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!ownedHere.has(table.name)) {
          foreign.push({ pool, table: table.name, kind: "foreign-table", safe: false, sql: `DROP TABLE ${quoteIdentifier(table.name)}`, changes: [`table ${table.name} belongs to no entity`] });
          continue;
        }
        for (const fk of table.foreignKeys) {
          const sql = `ALTER TABLE ${quoteIdentifier(table.name)} DROP FOREIGN KEY ${quoteIdentifier(fk.name)}`;
          alters.push({ pool, table: table.name, kind: "foreign-key", safe: false, sql, changes: [`foreign key ${fk.name} (${fk.columns.join(", ")}) → ${fk.referencedTable}`] });
        }
      }
    }
    for (const spec of tables) {
      const live = database.table(spec.name);
      const key = `${database.identity}\u0000${live?.name ?? spec.name}`;
      if (compared.has(key)) continue;
      compared.add(key);
      if (live === undefined) {
        alters.push({ pool, table: spec.name, kind: "create", safe: true, sql: createTableSql(spec), changes: [`create table ${spec.name}`] });
        continue;
      }
      const changes = await Promise.all(tableChanges(spec, live, database.flavor).map((change) => checkUnique(mysql, spec.name, change)));
      for (const safe of [true, false]) {
        const part = changes.filter((c) => c.safe === safe);
        if (part.length === 0) continue;
        const sql = `ALTER TABLE ${quoteIdentifier(spec.name)}\n  ${part.map((c) => c.clause).join(",\n  ")}`;
        alters.push({ pool, table: spec.name, kind: "alter", safe, sql, changes: part.map((c) => c.note) });
      }
    }
    alters.push(...foreign);
  }
  return alters;
}

/**
 * Runs the alters that `options` allow, in order: safe `create`/`alter` always, unsafe ones with
 * `unsafe`, foreign keys and foreign tables with `dropForeign`. Resolves to those it ran.
 */
export async function applyAlters(pools: (name: string) => MysqlPool, alters: readonly Alter[], options: ApplyAltersOptions = {}): Promise<Alter[]> {
  const applied: Alter[] = [];
  for (const alter of alters) {
    const foreign = alter.kind === "foreign-key" || alter.kind === "foreign-table";
    if (foreign ? options.dropForeign !== true : !alter.safe && options.unsafe !== true) continue;
    options.onStatement?.(alter);
    await pools(alter.pool).exec(alter.sql, []);
    applied.push(alter);
  }
  return applied;
}

/** A unique key over rows that hold duplicates would fail or need data changed: unsafe. */
async function checkUnique(mysql: MysqlPool, table: string, change: Change): Promise<Change> {
  const check = change.uniqueCheck;
  if (check === undefined || !(await hasDuplicates(mysql, table, check))) return change;
  return { ...change, safe: false, note: `${change.note}: existing rows hold duplicates` };
}

async function hasDuplicates(mysql: MysqlPool, table: string, check: UniqueCheck): Promise<boolean> {
  // Every row gets an added column's default; a NULL never collides in a unique key.
  if (check.added.some((c) => c.nullable && c.defaultSql === undefined)) return false;
  const from = `FROM ${quoteIdentifier(table)}`;
  if (check.existing.length === 0) return (await mysql.select(`SELECT 1 ${from} LIMIT 1 OFFSET 1`, [])).length > 0;
  const columns = check.existing.map((c) => quoteIdentifier(c.name));
  const nullable = check.existing.filter((c) => c.nullable).map((c) => `${quoteIdentifier(c.name)} IS NOT NULL`);
  const where = nullable.length > 0 ? ` WHERE ${nullable.join(" AND ")}` : "";
  const rows = await mysql.select(`SELECT 1 ${from}${where} GROUP BY ${columns.join(", ")} HAVING COUNT(*) > 1 LIMIT 1`, []);
  return rows.length > 0;
}
