/**
 * `generated/schema.sql` applied to real MariaDB databases (one per MySQL pool section), then read
 * back through information_schema: every column's type, nullability and default and every index
 * must be what the compiled model of schema/ says, and what the SPEC's type table says.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSchema, renderDiagnostics } from "../../generator/compile.js";
import { emitDdl, POOL_MARKER } from "../../generator/emit/ddl-emitter.js";
import type { EntityModel, FieldModel, SchemaModel } from "../../generator/model.js";
import { compileExampleSchema, splitPools } from "./example-schema.js";
import { createTestDatabase, type TestDatabase } from "./mysql.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));



const INT_NAMES = { 8: "tinyint", 16: "smallint", 24: "mediumint", 32: "int", 64: "bigint" } as const;

/** The column type the SPEC's type table prescribes, written out independently of the generator. */
function specColumnType(field: FieldModel): string {
  const t = field.type;
  const unsigned = field.unsigned ? " unsigned" : "";
  const quote = (v: string): string => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  switch (t.kind) {
    case "id":
    case "reference":
      return "bigint unsigned";
    case "bool":
      return "tinyint(1)";
    case "int":
      return `${INT_NAMES[t.bits]}${t.unsigned ? " unsigned" : ""}`;
    case "float":
      return `${t.bits === 32 ? "float" : "double"}${unsigned}`;
    case "decimal":
      return `decimal(${t.precision},${t.scale})${unsigned}`;
    case "varchar":
      return `varchar(${t.length})`;
    case "text":
      return "mediumtext";
    case "date":
      return "date";
    case "datetime":
      return "datetime";
    case "bytes":
      return { blob: "blob", medium: "mediumblob", long: "longblob" }[t.size];
    case "enum":
    case "set":
      return `${t.kind}(${t.values.map(quote).join(",")})`;
  }
}

/** MariaDB prints integer display widths (`int(10) unsigned`); the model does not. `tinyint(1)` stays. */
function stripDisplayWidth(type: string): string {
  if (/^tinyint\(1\)$/.test(type)) return type;
  return type.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1");
}

/** How MariaDB 10.11 shows the column's default in information_schema.COLUMNS.COLUMN_DEFAULT. */
function expectedColumnDefault(field: FieldModel): string | null {
  const d = field.default;
  const quote = (v: string): string => `'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
  if (d === undefined) return field.nullable ? "NULL" : null;
  switch (d.kind) {
    case "number":
      return field.type.kind === "decimal" ? Number(d.value).toFixed(field.type.scale) : d.value;
    case "bool":
      return d.value ? "1" : "0";
    case "string":
    case "enum":
      return quote(d.value);
    case "set": {
      // MariaDB normalises a SET default to declaration order.
      const declared = field.type.kind === "set" ? field.type.values : [];
      return quote(declared.filter((v) => d.values.includes(v)).join(","));
    }
  }
}

interface ColumnRow extends RowDataPacket {
  TABLE_NAME: string;
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  IS_NULLABLE: "YES" | "NO";
  COLUMN_DEFAULT: string | null;
  EXTRA: string;
  CHARACTER_SET_NAME: string | null;
  COLLATION_NAME: string | null;
}

interface IndexRow extends RowDataPacket {
  TABLE_NAME: string;
  INDEX_NAME: string;
  NON_UNIQUE: number;
  SEQ_IN_INDEX: number;
  COLUMN_NAME: string;
}

interface TableRow extends RowDataPacket {
  TABLE_NAME: string;
  ENGINE: string;
  TABLE_COLLATION: string;
  CHARSET: string;
}

interface IndexShape {
  name: string;
  unique: boolean;
  columns: string[];
}

interface PoolState {
  db: TestDatabase;
  columns: Map<string, ColumnRow[]>;
  indexes: Map<string, IndexShape[]>;
  tables: Map<string, TableRow>;
}


/** Asserts every column of every entity against the model and the SPEC; returns how many it checked. */
function checkColumns(model: SchemaModel, stateOf: (pool: string) => Omit<PoolState, "db">): number {
  let checked = 0;
  for (const e of model.entities) {
    const actual = stateOf(e.mysqlPool).columns.get(e.table) ?? [];
    expect(actual.map((c) => c.COLUMN_NAME), e.name).toEqual(e.fields.map((f) => f.column));
    e.fields.forEach((field, i) => {
      const c = actual[i]!;
      const where = `${e.name}.${field.name} (${c.COLUMN_TYPE})`;
      expect(stripDisplayWidth(c.COLUMN_TYPE), where).toBe(stripDisplayWidth(field.mysqlType));
      expect(stripDisplayWidth(c.COLUMN_TYPE), where).toBe(specColumnType(field));
      expect(c.IS_NULLABLE, where).toBe(field.nullable ? "YES" : "NO");
      expect(c.COLUMN_DEFAULT, where).toBe(expectedColumnDefault(field));
      expect(c.EXTRA, where).toBe("");
      checked++;
    });
  }
  return checked;
}

/**
 * Asserts that each entity's table has exactly the primary key and the model's indexes, except
 * reference indexes that another index already leads with the same column (`covered`).
 */
function checkIndexes(model: SchemaModel, stateOf: (pool: string) => Omit<PoolState, "db">): void {
  for (const e of model.entities) {
    const columnOf = (name: string): string => e.fields.find((f) => f.name === name)!.column;
    for (const index of e.indexes.filter((i) => i.covered)) {
      expect(index.origin, `${e.name}.${index.name}`).toBe("reference");
      expect(e.indexes.some((other) => other.origin !== "reference" && other.fields[0] === index.fields[0]), `${e.name}.${index.name} is led by another index`).toBe(true);
    }
    const expected = sortIndexes([
      { name: "PRIMARY", unique: true, columns: ["ID"] },
      ...e.indexes.filter((index) => !index.covered).map((index) => ({ name: index.name, unique: index.unique, columns: index.fields.map(columnOf) })),
    ]);
    expect(stateOf(e.mysqlPool).indexes.get(e.table), e.name).toEqual(expected);
  }
}

const model = compileExampleSchema();
const schemaSql = readFileSync(join(ROOT, "generated", "schema.sql"), "utf8");
const sections = splitPools(schemaSql);
const pools = new Map<string, PoolState>();

function poolState(pool: string): PoolState {
  const state = pools.get(pool);
  if (state === undefined) throw new Error(`schema.sql has no section for pool ${pool}`);
  return state;
}

function groupBy<T extends { TABLE_NAME: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.TABLE_NAME, [...(map.get(row.TABLE_NAME) ?? []), row]);
  return map;
}

async function readBack(db: TestDatabase): Promise<Omit<PoolState, "db">> {
  const [columns] = await db.conn.query<ColumnRow[]>(
    `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db.name],
  );
  const [stats] = await db.conn.query<IndexRow[]>(
    `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [db.name],
  );
  const [tables] = await db.conn.query<TableRow[]>(
    `SELECT t.TABLE_NAME, t.ENGINE, t.TABLE_COLLATION, c.CHARACTER_SET_NAME AS CHARSET
       FROM information_schema.TABLES t
       JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY c ON c.COLLATION_NAME = t.TABLE_COLLATION
      WHERE t.TABLE_SCHEMA = ?`,
    [db.name],
  );
  const indexes = new Map<string, IndexShape[]>();
  for (const [table, rows] of groupBy(stats)) {
    const byName = new Map<string, IndexShape>();
    for (const row of rows) {
      const shape = byName.get(row.INDEX_NAME) ?? { name: row.INDEX_NAME, unique: Number(row.NON_UNIQUE) === 0, columns: [] };
      shape.columns.push(row.COLUMN_NAME);
      byName.set(row.INDEX_NAME, shape);
    }
    indexes.set(table, sortIndexes([...byName.values()]));
  }
  return { columns: groupBy(columns), indexes, tables: new Map(tables.map((t) => [t.TABLE_NAME, t])) };
}

function sortIndexes(list: IndexShape[]): IndexShape[] {
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The tables of a pool: its entities', the log tables @log puts there, and the consumer's offsets table. */
function tablesOfPool(pool: string): string[] {
  const tables = model.entities.flatMap((e) => [
    ...(e.mysqlPool === pool ? [e.table] : []),
    ...(e.log?.mysqlPool === pool ? [e.log.table] : []),
  ]);
  return [...tables, "_beeorm_async_offsets"].sort();
}

const usedPools = [...new Set(model.entities.flatMap((e) => [e.mysqlPool, ...(e.log ? [e.log.mysqlPool] : [])]))].sort();

beforeAll(async () => {
  for (const [pool, sql] of sections) {
    const db = await createTestDatabase(`schema_${pool}`);
    pools.set(pool, { db, columns: new Map(), indexes: new Map(), tables: new Map() });
    await db.conn.query(sql);
    Object.assign(pools.get(pool)!, await readBack(db));
  }
});

afterAll(async () => {
  for (const { db } of pools.values()) await db.drop();
});

function entity(name: string): EntityModel {
  const found = model.entities.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no entity ${name} in schema/`);
  return found;
}

function column(table: string, pool: string, name: string): ColumnRow {
  const found = poolState(pool).columns.get(table)?.find((c) => c.COLUMN_NAME === name);
  if (found === undefined) throw new Error(`no column ${table}.${name} in pool ${pool}`);
  return found;
}

describe("schema.sql", () => {
  it("has one section per MySQL pool that owns a table, and nothing before the first but the header", () => {
    expect([...sections.keys()].sort()).toEqual(usedPools);
    expect(usedPools).toEqual(["audit", "default"]);
    const beforeFirst = schemaSql.slice(0, schemaSql.indexOf(POOL_MARKER));
    expect(beforeFirst.trim()).toBe("-- Code generated by beeorm-gen from schema/. DO NOT EDIT.");
  });

  it("creates exactly the tables of each pool", () => {
    for (const pool of usedPools) {
      expect([...poolState(pool).tables.keys()].sort(), pool).toEqual(tablesOfPool(pool));
    }
  });

  it("puts the change-log tables into the pools @log names", () => {
    const defaults = [...poolState("default").tables.keys()];
    const audit = [...poolState("audit").tables.keys()];
    expect(defaults).toContain("_log_Product");
    expect(audit).toContain("_log_Customer");
    expect(audit).toContain("_log_AuditEntry");
    expect(defaults).not.toContain("_log_Customer");
    expect(defaults).toContain("Customer");
    expect(audit).toContain("StockMove");
    expect(defaults).toContain("brands");
    expect(defaults).toContain("orders");
  });

  it("uses InnoDB, utf8mb4 and utf8mb4_unicode_ci for every table and every text column", () => {
    let textColumns = 0;
    for (const pool of usedPools) {
      const state = poolState(pool);
      for (const [name, table] of state.tables) {
        expect(table.ENGINE, name).toBe("InnoDB");
        expect(table.CHARSET, name).toBe("utf8mb4");
        expect(table.TABLE_COLLATION, name).toBe("utf8mb4_unicode_ci");
      }
      for (const [name, columns] of state.columns) {
        if (name.startsWith("_log_")) continue;
        for (const c of columns.filter((c) => c.CHARACTER_SET_NAME !== null)) {
          textColumns++;
          expect([c.CHARACTER_SET_NAME, c.COLLATION_NAME], `${name}.${c.COLUMN_NAME}`).toEqual(["utf8mb4", "utf8mb4_unicode_ci"]);
        }
      }
    }
    expect(textColumns).toBeGreaterThan(20);
  });

  it("gives every column the type, nullability and default of its field", () => {
    const checked = checkColumns(model, poolState);
    expect(checked).toBe(model.entities.reduce((n, e) => n + e.fields.length, 0));
    expect(checked).toBeGreaterThan(70);
  });

  it("creates every index of the model and no other", () => {
    checkIndexes(model, poolState);
  });

  it("indexes every reference column (first column of some index)", () => {
    for (const e of model.entities) {
      for (const f of e.fields.filter((f) => f.type.kind === "reference")) {
        const leading = (poolState(e.mysqlPool).indexes.get(e.table) ?? []).map((index) => index.columns[0]);
        expect(leading, `${e.name}.${f.name}`).toContain(f.column);
      }
    }
  });

  describe("what a person reading the schema expects", () => {
    it("Product.price is decimal(10,2) unsigned NOT NULL without default", () => {
      const c = column("Product", "default", "price");
      expect([c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT]).toEqual(["decimal(10,2) unsigned", "NO", null]);
    });

    it("Product.sku is stored in column SKU as a unique varchar(32)", () => {
      expect(column("Product", "default", "SKU").COLUMN_TYPE).toBe("varchar(32)");
      expect(poolState("default").indexes.get("Product")?.find((i) => i.columns.join() === "SKU")?.unique).toBe(true);
    });

    it("Category.status is a required enum defaulting to its first value", () => {
      const c = column("Category", "default", "status");
      expect([c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT]).toEqual(["enum('active','archived','banned')", "NO", "'active'"]);
    });

    it("the quoted enum values of Rating survive, with Product.rating defaulting to 'PG'", () => {
      const c = column("Product", "default", "rating");
      expect([c.COLUMN_TYPE, c.COLUMN_DEFAULT]).toEqual(["enum('G','PG','PG-13','NC-17')", "'PG'"]);
    });

    it("Product.tags is a nullable SET of Tag", () => {
      const c = column("Product", "default", "tags");
      expect([c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT]).toEqual(["set('new','sale','eco')", "YES", "NULL"]);
    });

    it("scalar mappings and defaults of Brand, Customer and Cart", () => {
      const pick = (table: string, name: string, pool = "default"): string[] => {
        const c = column(table, pool, name);
        return [stripDisplayWidth(c.COLUMN_TYPE), c.IS_NULLABLE, String(c.COLUMN_DEFAULT)];
      };
      expect(pick("brands", "ID")).toEqual(["bigint unsigned", "NO", "null"]);
      expect(pick("brands", "name")).toEqual(["varchar(255)", "NO", "null"]);
      expect(pick("brands", "country")).toEqual(["varchar(2)", "NO", "'PL'"]);
      expect(pick("brands", "founded")).toEqual(["smallint", "YES", "NULL"]);
      expect(pick("brands", "logo")).toEqual(["mediumblob", "YES", "NULL"]);
      expect(pick("Customer", "vip")).toEqual(["tinyint(1)", "NO", "0"]);
      expect(pick("Customer", "balance")).toEqual(["decimal(12,2)", "NO", "0.00"]);
      expect(pick("Customer", "points")).toEqual(["int unsigned", "NO", "0"]);
      expect(pick("Customer", "birthday")).toEqual(["date", "YES", "NULL"]);
      expect(pick("Customer", "lastSeen")).toEqual(["datetime", "YES", "NULL"]);
      expect(pick("Cart", "payload")).toEqual(["longblob", "YES", "NULL"]);
      expect(pick("Cart", "flags")).toEqual(["set('new','sale','eco')", "NO", "null"]);
      expect(pick("Cart", "amount")).toEqual(["float", "NO", "0"]);
      expect(pick("Product", "weight")).toEqual(["double", "YES", "NULL"]);
      expect(pick("Product", "description")).toEqual(["mediumtext", "YES", "NULL"]);
      expect(pick("Product", "category")).toEqual(["bigint unsigned", "NO", "null"]);
      expect(pick("StockMove", "delta", "audit")).toEqual(["mediumint", "NO", "null"]);
      expect(pick("StockMove", "smallDelta", "audit")).toEqual(["tinyint", "YES", "NULL"]);
      expect(pick("StockMove", "lineNo", "audit")).toEqual(["mediumint unsigned", "NO", "1"]);
      expect(pick("StockMove", "external", "audit")).toEqual(["bigint", "YES", "NULL"]);
      expect(pick("StockMove", "sequence", "audit")).toEqual(["bigint unsigned", "NO", "null"]);
    });

    it("Product has UNIQUE TitleInCategory (title, category) and KEY CategoryNewest (category, createdAt)", () => {
      const indexes = poolState("default").indexes.get("Product") ?? [];
      expect(indexes).toContainEqual({ name: "TitleInCategory", unique: true, columns: ["title", "category"] });
      expect(indexes).toContainEqual({ name: "CategoryNewest", unique: false, columns: ["category", "createdAt"] });
    });

    it("OrderLine gets implicit non-unique indexes on its references product and order", () => {
      const indexes = poolState("default").indexes.get("OrderLine") ?? [];
      expect(indexes.filter((i) => !i.unique && i.columns.join() === "product")).toHaveLength(1);
      expect(indexes.filter((i) => !i.unique && i.columns.join() === "order")).toHaveLength(1);
      expect(entity("OrderLine").indexes.filter((i) => i.origin === "reference").map((i) => i.fields)).toEqual([["order"], ["product"]]);
    });

    it("Customer has unique email and plain indexes on lastSeen and country", () => {
      const indexes = poolState("default").indexes.get("Customer") ?? [];
      expect(indexes.filter((i) => i.columns.join() === "email").map((i) => i.unique)).toEqual([true]);
      expect(indexes.filter((i) => i.columns.join() === "lastSeen").map((i) => i.unique)).toEqual([false]);
      expect(indexes.filter((i) => i.columns.join() === "country").map((i) => i.unique)).toEqual([false]);
    });

    it("a change-log table keys rows by entity id and stores JSON", () => {
      for (const [pool, table] of [["default", "_log_Product"], ["audit", "_log_Customer"], ["audit", "_log_AuditEntry"]] as const) {
        const entityId = column(table, pool, "EntityID");
        expect([stripDisplayWidth(entityId.COLUMN_TYPE), entityId.IS_NULLABLE], table).toEqual(["bigint unsigned", "NO"]);
        const leading = (poolState(pool).indexes.get(table) ?? []).map((i) => i.columns[0]);
        expect(leading, table).toContain("EntityID");
      }
    });
  });

  it("applying a pool's section twice fails only because its tables already exist", async () => {
    const db = await createTestDatabase("schema_twice");
    try {
      const sql = sections.get("default")!;
      await db.conn.query(sql);
      const [[count]] = await db.conn.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
        [db.name],
      );
      expect(Number(count!.n)).toBe(tablesOfPool("default").length);
      await expect(db.conn.query(sql)).rejects.toMatchObject({ code: "ER_TABLE_EXISTS_ERROR", errno: 1050 });
    } finally {
      await db.drop();
    }
  });
});

describe("DDL of a schema with awkward values, applied to MariaDB", () => {
  const source = `
mysql default { url = "mysql://root@127.0.0.1:3306/x" }
mysql other { url = env("OTHER_URL") }

enum Quote { plain "it's" "back\\\\slash" "say \\"hi\\"" "Deleted Scenes" "PG-13" }
enum Color { red green blue }

entity Awkward @table("awkward table") @log("other") {
  quoted    Quote          @default("it's")
  slashed   Quote          @default("back\\\\slash")
  moods     Quote[]        @default(["say \\"hi\\"", plain])
  colors    Color[]?       @default([blue, red])
  color     Color?
  title     varchar(40)    @default("Untitled \\"draft\\" it's \\\\ done") @column("Title Column")
  big       int64          @default(-9007199254740993)
  ubig      uint64         @default(18446744073709551615)
  price     decimal(8, 3)  @default(1.5)
  ratio     decimal(5, 4)? @default(-0.1234)
  weight    float64        @default(0.25)
  tiny      int8           @default(-128)
  flag      bool?          @default(true)
  day       date           @default("2020-02-29")
  moment    datetime       @default("1999-12-31 23:59:59")
  parent    Awkward?       @cached
  @@unique([quoted, title], name: "Quoted_Title")
  @@index([color, moment], name: "ByColor")
}

entity Other @mysql("other") {
  awkward   Awkward
  note      text?
}
`;
  const sources = [{ path: "awkward/awkward.bee", name: "awkward.bee", text: source }];
  const compiled = compileSchema(sources);
  const awkwardModel = compiled.model;
  const states = new Map<string, PoolState>();
  const stateOf = (pool: string): PoolState => states.get(pool) ?? (() => { throw new Error(`no pool ${pool}`); })();

  beforeAll(async () => {
    if (awkwardModel === undefined) throw new Error(renderDiagnostics(compiled.diagnostics, sources));
    // The DDL emitter alone: this case is about SQL, whatever the TypeScript emitters make of it.
    for (const [pool, sql] of splitPools(emitDdl(awkwardModel, "Code generated by beeorm-gen from awkward/. DO NOT EDIT."))) {
      const db = await createTestDatabase(`awkward_${pool}`);
      states.set(pool, { db, columns: new Map(), indexes: new Map(), tables: new Map() });
      await db.conn.query(sql);
      Object.assign(states.get(pool)!, await readBack(db));
    }
  });

  afterAll(async () => {
    for (const { db } of states.values()) await db.drop();
  });

  it("compiles", () => {
    expect(renderDiagnostics(compiled.diagnostics.filter((d) => d.severity === "error"), sources)).not.toMatch(/error/);
    expect(awkwardModel).toBeDefined();
  });

  it("every column reads back as the model says, quotes and backslashes included", () => {
    expect([...states.keys()].sort()).toEqual(["default", "other"]);
    expect([...stateOf("other").tables.keys()].sort()).toEqual(["Other", "_beeorm_async_offsets", "_log_awkward table"]); // SPEC §6.7: _log_<table>
    expect(checkColumns(awkwardModel!, stateOf)).toBe(17 + 3);
    checkIndexes(awkwardModel!, stateOf);
    const column = (name: string): ColumnRow => stateOf("default").columns.get("awkward table")!.find((c) => c.COLUMN_NAME === name)!;
    expect(column("quoted").COLUMN_TYPE).toBe(`enum('plain','it''s','back\\\\slash','say "hi"','Deleted Scenes','PG-13')`);
    expect(column("slashed").COLUMN_DEFAULT).toBe("'back\\\\slash'");
    expect(column("moods").COLUMN_DEFAULT).toBe(`'plain,say "hi"'`);
    expect(column("colors").COLUMN_DEFAULT).toBe("'red,blue'");
    expect(column("Title Column").COLUMN_DEFAULT).toBe(`'Untitled "draft" it''s \\\\ done'`);
    expect(column("ubig").COLUMN_DEFAULT).toBe("18446744073709551615");
    expect(column("ratio").COLUMN_DEFAULT).toBe("-0.1234");
    expect(column("flag").COLUMN_DEFAULT).toBe("1");
  });

  it("the values a new() draft gets match the DDL defaults MariaDB fills in", async () => {
    const { conn } = stateOf("default").db;
    await conn.query("INSERT INTO `awkward table` (`ID`) VALUES (1)");
    const [[row]] = await conn.query<RowDataPacket[]>("SELECT `quoted`, `slashed`, `moods`, `Title Column` AS title FROM `awkward table`");
    expect(row).toEqual({ quoted: "it's", slashed: "back\\slash", moods: 'plain,say "hi"', title: `Untitled "draft" it's \\ done` });
  });
});
