/**
 * Schema sync's comparison of one expected table with the live one (runtime/schema-sync/diff.ts),
 * with hand-built TableSpecs and LiveTables spelled the way MySQL 8 and MariaDB report them. Pure:
 * no database.
 */
import { describe, expect, it } from "vitest";
import { tableChanges, type Change } from "../../runtime/schema-sync/diff.js";
import type { LiveColumn, LiveForeignKey, LiveKey, LiveTable } from "../../runtime/schema-sync/introspect.js";
import { liveDefault, type Flavor } from "../../runtime/schema-sync/normalize.js";
import { logTable, OFFSETS_TABLE_SPEC, type ColumnSpec, type KeySpec, type TableSpec } from "../../runtime/schema-sync/table-spec.js";

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const UNICODE = "utf8mb4_unicode_ci";
/** What beeorm appends to a textual column in ADD/MODIFY COLUMN. */
const CHARSET = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

interface ColumnOptions {
  readonly nullable?: boolean;
  readonly defaultSql?: string;
  readonly autoIncrement?: boolean;
}

/** An expected column: NOT NULL, no default, no AUTO_INCREMENT unless told. */
function column(name: string, type: string, options: ColumnOptions = {}): ColumnSpec {
  return { name, type, nullable: options.nullable ?? false, defaultSql: options.defaultSql, autoIncrement: options.autoIncrement ?? false };
}

function key(name: string, columns: readonly string[], unique = false): KeySpec {
  return { name, unique, columns };
}

function table(name: string, columns: readonly ColumnSpec[], keys: readonly KeySpec[] = [], primaryKey: readonly string[] = ["ID"]): TableSpec {
  return { name, columns, primaryKey, keys };
}

interface LiveColumnOptions extends ColumnOptions {
  readonly collation?: string;
}

/** A live column: NOT NULL, no default, no collation unless told. */
function liveColumn(name: string, type: string, options: LiveColumnOptions = {}): LiveColumn {
  return {
    name,
    type,
    nullable: options.nullable ?? false,
    defaultSql: options.defaultSql,
    autoIncrement: options.autoIncrement ?? false,
    collation: options.collation,
  };
}

/** A live column whose DEFAULT goes through liveDefault() the way introspect.ts reads it. */
function reported(flavor: Flavor, name: string, type: string, rawDefault: string | null, options: Omit<LiveColumnOptions, "defaultSql"> = {}): LiveColumn {
  return liveColumn(name, type, { ...options, defaultSql: liveDefault(rawDefault, type, flavor, false) });
}

function liveKey(name: string, columns: readonly string[], options: { unique?: boolean; special?: boolean } = {}): LiveKey {
  return { name, unique: options.unique ?? false, columns, special: options.special ?? false };
}

interface LiveTableOptions {
  readonly engine?: string;
  readonly collation?: string;
  readonly primaryKey?: string[];
  readonly keys?: LiveKey[];
  readonly foreignKeys?: LiveForeignKey[];
}

/** A live InnoDB table in utf8mb4_unicode_ci with primary key (ID), unless told. */
function liveTable(name: string, columns: LiveColumn[], options: LiveTableOptions = {}): LiveTable {
  return {
    name,
    engine: options.engine ?? "InnoDB",
    collation: options.collation ?? UNICODE,
    columns,
    primaryKey: options.primaryKey ?? ["ID"],
    keys: options.keys ?? [],
    foreignKeys: options.foreignKeys ?? [],
  };
}

const TEXTUAL = /^(var)?char|^(tiny|medium|long)?text|^enum|^set/i;

/** The live column that matches `spec` exactly (textual columns in the table collation). */
function liveOf(spec: ColumnSpec): LiveColumn {
  const collation = TEXTUAL.test(spec.type) ? UNICODE : undefined;
  return liveColumn(spec.name, spec.type, { nullable: spec.nullable, defaultSql: spec.defaultSql, autoIncrement: spec.autoIncrement, collation });
}

/** The live table that matches `spec` exactly; `options` and column edits make it differ. */
function matching(spec: TableSpec, options: LiveTableOptions = {}): LiveTable {
  return liveTable(spec.name, spec.columns.map(liveOf), {
    primaryKey: [...spec.primaryKey],
    keys: spec.keys.map((k) => liveKey(k.name, k.columns, { unique: k.unique })),
    ...options,
  });
}

/** `live` with the column `name` replaced by `replacement` (or removed when undefined). */
function withColumn(live: LiveTable, name: string, replacement: LiveColumn | undefined): LiveTable {
  const columns = live.columns.flatMap((c) => (c.name === name ? (replacement === undefined ? [] : [replacement]) : [c]));
  return { ...live, columns };
}

/** Clause and safe flag of each change, in order. */
function summary(changes: readonly Change[]): { clause: string; safe: boolean }[] {
  return changes.map((c) => ({ clause: c.clause, safe: c.safe }));
}

// ---------------------------------------------------------------------------------------------
// A table using most types, and how each server reports it
// ---------------------------------------------------------------------------------------------

const PRODUCTS = table(
  "products",
  [
    column("ID", "bigint unsigned"),
    column("name", "varchar(100)"),
    column("state", "enum('new','paid','shipped')", { defaultSql: "'paid'" }),
    column("active", "tinyint(1)", { defaultSql: "1" }),
    column("price", "decimal(12,2) unsigned", { defaultSql: "1.50" }),
    column("stock", "int", { defaultSql: "0" }),
    column("rank", "smallint unsigned", { nullable: true }),
    column("ratio", "double", { defaultSql: "0.5" }),
    column("tags", "set('a','b','c')", { defaultSql: "'a,c'" }),
    column("code", "varchar(20)", { nullable: true, defaultSql: "'it''s'" }),
    column("description", "mediumtext", { nullable: true }),
    column("releasedOn", "date", { defaultSql: "'2020-01-02'" }),
    column("placedAt", "datetime", { defaultSql: "'2020-01-02 03:04:05'" }),
    column("brand", "bigint unsigned", { nullable: true }),
    column("image", "mediumblob", { nullable: true }),
  ],
  [key("Name", ["name"], true), key("brand", ["brand"]), key("StateByTime", ["state", "placedAt"])],
);

/** PRODUCTS as MySQL 8 reports it: no display widths but tinyint(1), bare default literals. */
function productsOnMysql(): LiveTable {
  const m = (name: string, type: string, raw: string | null, options: Omit<LiveColumnOptions, "defaultSql"> = {}): LiveColumn =>
    reported("mysql", name, type, raw, options);
  return liveTable(
    "products",
    [
      m("ID", "bigint unsigned", null),
      m("name", "varchar(100)", null, { collation: UNICODE }),
      m("state", "enum('new','paid','shipped')", "paid", { collation: UNICODE }),
      m("active", "tinyint(1)", "1"),
      m("price", "decimal(12,2) unsigned", "1.50"),
      m("stock", "int", "0"),
      m("rank", "smallint unsigned", null, { nullable: true }),
      m("ratio", "double", "0.5"),
      m("tags", "set('a','b','c')", "a,c", { collation: UNICODE }),
      m("code", "varchar(20)", "it's", { nullable: true, collation: UNICODE }),
      m("description", "mediumtext", null, { nullable: true, collation: UNICODE }),
      m("releasedOn", "date", "2020-01-02"),
      m("placedAt", "datetime", "2020-01-02 03:04:05"),
      m("brand", "bigint unsigned", null, { nullable: true }),
      m("image", "mediumblob", null, { nullable: true }),
    ],
    {
      // information_schema lists indexes by name; names compare without case.
      keys: [liveKey("brand", ["brand"]), liveKey("name", ["name"], { unique: true }), liveKey("stateByTime", ["state", "placedAt"])],
    },
  );
}

/** PRODUCTS as MariaDB 10.11 reports it: display widths, quoted literals, `NULL` text for nullable columns. */
function productsOnMariadb(): LiveTable {
  const m = (name: string, type: string, raw: string | null, options: Omit<LiveColumnOptions, "defaultSql"> = {}): LiveColumn =>
    reported("mariadb", name, type, raw, options);
  return liveTable(
    "products",
    [
      m("ID", "bigint(20) unsigned", null),
      m("name", "varchar(100)", null, { collation: UNICODE }),
      m("state", "enum('new','paid','shipped')", "'paid'", { collation: UNICODE }),
      m("active", "tinyint(1)", "1"),
      m("price", "decimal(12,2) unsigned", "1.50"),
      m("stock", "int(11)", "0"),
      m("rank", "smallint(5) unsigned", "NULL", { nullable: true }),
      m("ratio", "double", "0.5"),
      m("tags", "set('a','b','c')", "'a,c'", { collation: UNICODE }),
      m("code", "varchar(20)", "'it''s'", { nullable: true, collation: UNICODE }),
      m("description", "mediumtext", "NULL", { nullable: true, collation: UNICODE }),
      m("releasedOn", "date", "'2020-01-02'"),
      m("placedAt", "datetime", "'2020-01-02 03:04:05'"),
      m("brand", "bigint(20) unsigned", "NULL", { nullable: true }),
      m("image", "mediumblob", "NULL", { nullable: true }),
    ],
    { keys: [liveKey("StateByTime", ["state", "placedAt"]), liveKey("Name", ["name"], { unique: true }), liveKey("brand", ["brand"])] },
  );
}

function logOnMysql(name: string): LiveTable {
  const m = (column: string, type: string, options: Omit<LiveColumnOptions, "defaultSql"> = {}): LiveColumn => reported("mysql", column, type, null, options);
  return liveTable(
    name,
    [
      m("ID", "bigint unsigned", { autoIncrement: true }),
      m("EntityID", "bigint unsigned"),
      m("Date", "datetime"),
      m("Meta", "json", { nullable: true }),
      m("Before", "json", { nullable: true }),
      m("After", "json", { nullable: true }),
    ],
    { keys: [liveKey("EntityID", ["EntityID", "ID"])] },
  );
}

/** MariaDB stores json as longtext (utf8mb4_bin, with a json_valid() check) and reports it so. */
function logOnMariadb(name: string): LiveTable {
  const m = (column: string, type: string, raw: string | null, options: Omit<LiveColumnOptions, "defaultSql"> = {}): LiveColumn =>
    reported("mariadb", column, type, raw, options);
  return liveTable(
    name,
    [
      m("ID", "bigint(20) unsigned", null, { autoIncrement: true }),
      m("EntityID", "bigint(20) unsigned", null),
      m("Date", "datetime", null),
      m("Meta", "longtext", "NULL", { nullable: true, collation: "utf8mb4_bin" }),
      m("Before", "longtext", "NULL", { nullable: true, collation: "utf8mb4_bin" }),
      m("After", "longtext", "NULL", { nullable: true, collation: "utf8mb4_bin" }),
    ],
    { keys: [liveKey("EntityID", ["EntityID", "ID"])] },
  );
}

describe("tableChanges: a database that matches is quiet", () => {
  it("finds nothing to change in a table as MySQL 8 reports it", () => {
    expect(tableChanges(PRODUCTS, productsOnMysql(), "mysql")).toEqual([]);
  });

  it("finds nothing to change in a table as MariaDB reports it", () => {
    expect(tableChanges(PRODUCTS, productsOnMariadb(), "mariadb")).toEqual([]);
  });

  it("finds nothing to change in a log table as MySQL 8 reports it", () => {
    expect(tableChanges(logTable("_log_X"), logOnMysql("_log_X"), "mysql")).toEqual([]);
  });

  it("finds nothing to change in a log table as MariaDB reports it (json as longtext, utf8mb4_bin)", () => {
    expect(tableChanges(logTable("_log_X"), logOnMariadb("_log_X"), "mariadb")).toEqual([]);
  });

  it("finds nothing to change in the offsets table on either server", () => {
    const columns = (partitionType: string): LiveColumn[] => [
      liveColumn("queue", "varchar(100)", { collation: UNICODE }),
      liveColumn("partition", partitionType),
      liveColumn("last_id", "varchar(40)", { collation: UNICODE }),
    ];
    const primaryKey = ["queue", "partition"];
    expect(tableChanges(OFFSETS_TABLE_SPEC, liveTable(OFFSETS_TABLE_SPEC.name, columns("smallint unsigned"), { primaryKey }), "mysql")).toEqual([]);
    expect(tableChanges(OFFSETS_TABLE_SPEC, liveTable(OFFSETS_TABLE_SPEC.name, columns("smallint(5) unsigned"), { primaryKey }), "mariadb")).toEqual([]);
  });

  it("compares the engine, column names and the primary key without case", () => {
    const live = matching(PRODUCTS, { engine: "innodb", primaryKey: ["id"] });
    const renamed = { ...live, columns: live.columns.map((c) => (c.name === "name" ? { ...c, name: "NAME" } : c)) };
    expect(tableChanges(PRODUCTS, renamed, "mysql")).toEqual([]);
  });

  it("does not take MySQL's longtext for json", () => {
    const changes = tableChanges(logTable("_log_X"), logOnMariadb("_log_X"), "mysql");
    expect(summary(changes)).toEqual([
      { clause: "MODIFY COLUMN `Meta` json NULL", safe: false },
      { clause: "MODIFY COLUMN `Before` json NULL", safe: false },
      { clause: "MODIFY COLUMN `After` json NULL", safe: false },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Each kind of change
// ---------------------------------------------------------------------------------------------

const USERS = table(
  "users",
  [
    column("ID", "bigint unsigned"),
    column("name", "varchar(100)"),
    column("state", "enum('new','paid')", { defaultSql: "'new'" }),
    column("count", "int", { defaultSql: "0" }),
    column("note", "mediumtext", { nullable: true }),
  ],
  [key("ByName", ["name"])],
);

describe("tableChanges: columns", () => {
  it("adds a missing column after the one before it", () => {
    const live = withColumn(matching(USERS), "count", undefined);
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: "ADD COLUMN `count` int NOT NULL DEFAULT 0 AFTER `state`", safe: true, note: "add column `count` int" },
    ]);
  });

  it("names the character set of an added textual column", () => {
    const live = withColumn(matching(USERS), "name", undefined);
    expect(summary(tableChanges(USERS, live, "mysql"))).toEqual([{ clause: `ADD COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL AFTER \`ID\``, safe: true }]);
  });

  it("adds a missing first column FIRST", () => {
    const live = withColumn(matching(USERS, { primaryKey: [] }), "ID", undefined);
    expect(summary(tableChanges(USERS, live, "mysql"))).toEqual([
      { clause: "ADD COLUMN `ID` bigint unsigned NOT NULL FIRST", safe: true },
      { clause: "ADD PRIMARY KEY (`ID`)", safe: false },
    ]);
  });

  it("drops a column the schema no longer has, unsafely", () => {
    const base = matching(USERS);
    const live = { ...base, columns: [...base.columns, liveColumn("legacy", "int", { nullable: true })] };
    expect(tableChanges(USERS, live, "mysql")).toEqual([{ clause: "DROP COLUMN `legacy`", safe: false, note: "drop column `legacy` (int)" }]);
  });

  it("widens a varchar safely, naming its character set", () => {
    const live = withColumn(matching(USERS), "name", liveColumn("name", "varchar(50)", { collation: UNICODE }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: `MODIFY COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL`, safe: true, note: "`name`: widen varchar(50) → varchar(100)" },
    ]);
  });

  it("narrows a varchar unsafely", () => {
    const live = withColumn(matching(USERS), "name", liveColumn("name", "varchar(200)", { collation: UNICODE }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: `MODIFY COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL`, safe: false, note: "`name`: change type varchar(200) → varchar(100)" },
    ]);
  });

  it("changes int to varchar unsafely", () => {
    const spec = table("t", [column("ID", "bigint unsigned"), column("code", "varchar(10)")]);
    const live = withColumn(matching(spec), "code", liveColumn("code", "int"));
    expect(summary(tableChanges(spec, live, "mysql"))).toEqual([{ clause: `MODIFY COLUMN \`code\` varchar(10) ${CHARSET} NOT NULL`, safe: false }]);
  });

  it("widens int to bigint safely, without a character set", () => {
    const spec = table("t", [column("ID", "bigint unsigned"), column("n", "bigint")]);
    const live = withColumn(matching(spec), "n", liveColumn("n", "int(11)"));
    expect(summary(tableChanges(spec, live, "mariadb"))).toEqual([{ clause: "MODIFY COLUMN `n` bigint NOT NULL", safe: true }]);
  });

  it("makes a nullable column NOT NULL unsafely", () => {
    const live = withColumn(matching(USERS), "name", liveColumn("name", "varchar(100)", { nullable: true, collation: UNICODE }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: `MODIFY COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL`, safe: false, note: "`name`: disallow NULL" },
    ]);
  });

  it("makes a NOT NULL column nullable safely", () => {
    const live = withColumn(matching(USERS), "note", liveColumn("note", "mediumtext", { collation: UNICODE }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: `MODIFY COLUMN \`note\` mediumtext ${CHARSET} NULL`, safe: true, note: "`note`: allow NULL" },
    ]);
  });

  it("changes only the default safely", () => {
    const live = withColumn(matching(USERS), "count", liveColumn("count", "int", { defaultSql: "5" }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([{ clause: "MODIFY COLUMN `count` int NOT NULL DEFAULT 0", safe: true, note: "`count`: default 5 → 0" }]);
  });

  it("adds a missing default safely", () => {
    const live = withColumn(matching(USERS), "count", liveColumn("count", "int"));
    expect(tableChanges(USERS, live, "mysql")).toEqual([{ clause: "MODIFY COLUMN `count` int NOT NULL DEFAULT 0", safe: true, note: "`count`: default none → 0" }]);
  });

  it("renames an enum value unsafely", () => {
    const live = withColumn(matching(USERS), "state", liveColumn("state", "enum('new','payed')", { defaultSql: "'new'", collation: UNICODE }));
    expect(summary(tableChanges(USERS, live, "mysql"))).toEqual([
      { clause: `MODIFY COLUMN \`state\` enum('new','paid') ${CHARSET} NOT NULL DEFAULT 'new'`, safe: false },
    ]);
  });

  it("adds an enum value safely", () => {
    const live = withColumn(matching(USERS), "state", liveColumn("state", "enum('new')", { defaultSql: "'new'", collation: UNICODE }));
    expect(summary(tableChanges(USERS, live, "mysql"))).toEqual([
      { clause: `MODIFY COLUMN \`state\` enum('new','paid') ${CHARSET} NOT NULL DEFAULT 'new'`, safe: true },
    ]);
  });

  it("changes a textual column's collation safely", () => {
    const live = withColumn(matching(USERS), "name", liveColumn("name", "varchar(100)", { collation: "utf8mb4_general_ci" }));
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: `MODIFY COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL`, safe: true, note: "`name`: collation utf8mb4_general_ci → utf8mb4_unicode_ci" },
    ]);
  });

  it("adds AUTO_INCREMENT safely", () => {
    const log = logTable("_log_X");
    const live = withColumn(logOnMysql("_log_X"), "ID", liveColumn("ID", "bigint unsigned"));
    expect(summary(tableChanges(log, live, "mysql"))).toEqual([{ clause: "MODIFY COLUMN `ID` bigint unsigned NOT NULL AUTO_INCREMENT", safe: true }]);
  });
});

describe("tableChanges: table options and primary key", () => {
  it("switches the engine to InnoDB", () => {
    expect(tableChanges(USERS, matching(USERS, { engine: "MyISAM" }), "mysql")).toEqual([{ clause: "ENGINE=InnoDB", safe: true, note: "engine MyISAM → InnoDB" }]);
  });

  it("sets the table's default character set and collation", () => {
    expect(tableChanges(USERS, matching(USERS, { collation: "utf8mb4_general_ci" }), "mysql")).toEqual([
      { clause: "DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci", safe: true, note: "default collation utf8mb4_general_ci → utf8mb4_unicode_ci" },
    ]);
  });

  it("replaces a different primary key unsafely", () => {
    expect(tableChanges(USERS, matching(USERS, { primaryKey: ["ID", "name"] }), "mysql")).toEqual([
      { clause: "DROP PRIMARY KEY, ADD PRIMARY KEY (`ID`)", safe: false, note: "primary key (ID, name) → (ID)" },
    ]);
  });
});

describe("tableChanges: indexes", () => {
  it("adds a new index safely", () => {
    const spec = { ...USERS, keys: [...USERS.keys, key("ByState", ["state", "count"])] };
    expect(tableChanges(spec, matching(USERS), "mysql")).toEqual([
      { clause: "ADD KEY `ByState` (`state`, `count`)", safe: true, note: "add index `ByState` (state, count)" },
    ]);
  });

  it("gives a new unique index the existing and added columns to check for duplicates", () => {
    const email = column("email", "varchar(200)", { nullable: true });
    const spec = table("users", [...USERS.columns.slice(0, 2), email, ...USERS.columns.slice(2)], [...USERS.keys, key("Email", ["email", "name"], true)]);
    const changes = tableChanges(spec, matching(USERS), "mysql");
    expect(summary(changes)).toEqual([
      { clause: `ADD COLUMN \`email\` varchar(200) ${CHARSET} NULL AFTER \`name\``, safe: true },
      { clause: "ADD UNIQUE KEY `Email` (`email`, `name`)", safe: true },
    ]);
    expect(changes[0]!.uniqueCheck).toBeUndefined();
    expect(changes[1]!.uniqueCheck).toEqual({ existing: [USERS.columns[1]], added: [email] });
  });

  it("leaves a non-unique index without a duplicate check", () => {
    const spec = { ...USERS, keys: [...USERS.keys, key("ByCount", ["count"])] };
    const [change] = tableChanges(spec, matching(USERS), "mysql");
    expect(change).toBeDefined();
    expect("uniqueCheck" in change!).toBe(false);
  });

  it("re-creates a changed index in one change", () => {
    const live = matching(USERS, { keys: [liveKey("ByName", ["name", "count"])] });
    expect(tableChanges(USERS, live, "mysql")).toEqual([
      { clause: "DROP KEY `ByName`, ADD KEY `ByName` (`name`)", safe: true, note: "re-create index `ByName` (name) (was (name, count))" },
    ]);
  });

  it("re-creates an index that becomes unique, with a duplicate check, dropping it by its live name", () => {
    const spec = { ...USERS, keys: [key("ByName", ["name"], true)] };
    const changes = tableChanges(spec, matching(USERS, { keys: [liveKey("byname", ["name"])] }), "mysql");
    expect(summary(changes)).toEqual([{ clause: "DROP KEY `byname`, ADD UNIQUE KEY `ByName` (`name`)", safe: true }]);
    expect(changes[0]!.uniqueCheck).toEqual({ existing: [USERS.columns[1]], added: [] });
  });

  it("drops an index the schema no longer declares, safely", () => {
    const live = matching(USERS, { keys: [liveKey("ByName", ["name"]), liveKey("Old", ["count"])] });
    expect(tableChanges(USERS, live, "mysql")).toEqual([{ clause: "DROP KEY `Old`", safe: true, note: "drop index `Old` (count)" }]);
  });

  it("keeps an undeclared index whose leading columns back a foreign key", () => {
    const spec = table("orders", [column("ID", "bigint unsigned"), column("brand", "bigint unsigned", { nullable: true })]);
    const live = matching(spec, {
      keys: [liveKey("fk_brand_idx", ["brand", "ID"])],
      foreignKeys: [{ name: "fk_brand", columns: ["brand"], referencedTable: "brands" }],
    });
    expect(tableChanges(spec, live, "mysql")).toEqual([]);
  });

  it("still drops an undeclared index that does not lead with a foreign key's columns", () => {
    const spec = table("orders", [column("ID", "bigint unsigned"), column("brand", "bigint unsigned", { nullable: true })]);
    const live = matching(spec, {
      keys: [liveKey("IdBrand", ["ID", "brand"])],
      foreignKeys: [{ name: "fk_brand", columns: ["brand"], referencedTable: "brands" }],
    });
    expect(summary(tableChanges(spec, live, "mysql"))).toEqual([{ clause: "DROP KEY `IdBrand`", safe: true }]);
  });

  it("re-creates a declared index that is live as FULLTEXT or over a prefix", () => {
    const live = matching(USERS, { keys: [liveKey("ByName", ["name"], { special: true })] });
    expect(summary(tableChanges(USERS, live, "mysql"))).toEqual([{ clause: "DROP KEY `ByName`, ADD KEY `ByName` (`name`)", safe: true }]);
  });
});

describe("tableChanges: order", () => {
  it("puts table options, key drops, column drops, column adds/modifies in schema order, the primary key, then key adds", () => {
    const spec = table(
      "users",
      [
        column("ID", "bigint unsigned"),
        column("email", "varchar(200)", { nullable: true }),
        column("name", "varchar(100)"),
        column("count", "bigint", { defaultSql: "0" }),
        column("flag", "tinyint(1)", { defaultSql: "0" }),
      ],
      [key("ByName", ["name", "count"]), key("Email", ["email"], true)],
    );
    const live = liveTable(
      "users",
      [
        liveColumn("ID", "bigint unsigned"),
        liveColumn("legacy", "int", { nullable: true }),
        liveColumn("count", "int", { defaultSql: "0" }),
        liveColumn("name", "varchar(50)", { collation: UNICODE }),
      ],
      { engine: "MyISAM", primaryKey: ["ID", "name"], keys: [liveKey("ByName", ["name"]), liveKey("Old", ["legacy"])] },
    );
    expect(summary(tableChanges(spec, live, "mysql"))).toEqual([
      { clause: "ENGINE=InnoDB", safe: true },
      { clause: "DROP KEY `Old`", safe: true },
      { clause: "DROP COLUMN `legacy`", safe: false },
      { clause: `ADD COLUMN \`email\` varchar(200) ${CHARSET} NULL AFTER \`ID\``, safe: true },
      { clause: `MODIFY COLUMN \`name\` varchar(100) ${CHARSET} NOT NULL`, safe: true },
      { clause: "MODIFY COLUMN `count` bigint NOT NULL DEFAULT 0", safe: true },
      { clause: "ADD COLUMN `flag` tinyint(1) NOT NULL DEFAULT 0 AFTER `count`", safe: true },
      { clause: "DROP PRIMARY KEY, ADD PRIMARY KEY (`ID`)", safe: false },
      { clause: "DROP KEY `ByName`, ADD KEY `ByName` (`name`, `count`)", safe: true },
      { clause: "ADD UNIQUE KEY `Email` (`email`)", safe: true },
    ]);
  });
});
