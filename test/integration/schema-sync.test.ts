/**
 * Schema sync against the real MariaDB: `getAlters`/`applyAlters` (runtime/schema-sync), the
 * engine's `getAlters()` and `beeorm-gen migrate`. Every test works in its own databases.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { compileSchema, renderDiagnostics } from "../../generator/compile.js";
import { runCli } from "../../generator/cli/run.js";
import { tableOwners } from "../../generator/emit/table-ddl.js";
import { Engine } from "../../runtime/engine.js";
import { MysqlPool } from "../../runtime/mysql-pool.js";
import { QueryLog } from "../../runtime/query-log.js";
import { applyAlters, getAlters, type Alter } from "../../runtime/schema-sync/alters.js";
import { expectedTables } from "../../runtime/schema-sync/expected.js";
import { Orm, schema as matrixSchema } from "../fixtures/matrix/generated/index.js";
import { compileExampleSchema } from "./example-schema.js";
import { createTestDatabase, TEST_MYSQL_URL, type TestDatabase } from "./mysql.js";

const open: { databases: TestDatabase[]; pools: MysqlPool[] } = { databases: [], pools: [] };

afterEach(async () => {
  await Promise.all(open.pools.splice(0).map((p) => p.close()));
  await Promise.all(open.databases.splice(0).map((d) => d.drop()));
});

async function database(purpose: string): Promise<{ db: TestDatabase; pool: MysqlPool }> {
  const db = await createTestDatabase(purpose);
  const pool = new MysqlPool("default", `${TEST_MYSQL_URL}/${db.name}`, new QueryLog());
  open.databases.push(db);
  open.pools.push(pool);
  return { db, pool };
}

/** The tables a schema text expects, by pool. */
function expected(text: string): ReturnType<typeof expectedTables> {
  const sources = [{ path: "sync.bee", name: "sync.bee", text }];
  const { model, diagnostics } = compileSchema(sources);
  if (model === undefined) throw new Error(renderDiagnostics(diagnostics, sources));
  return expectedTables(tableOwners(model));
}

/** What a test compares: everything but the pool (always "default" here). */
function summary(alters: readonly Alter[]): { kind: string; safe: boolean; sql: string; changes: readonly string[] }[] {
  return alters.map(({ kind, safe, sql, changes }) => ({ kind, safe, sql, changes }));
}

async function rows(db: TestDatabase, sql: string): Promise<RowDataPacket[]> {
  const [result] = await db.conn.query<RowDataPacket[]>(sql);
  return result;
}

const V1 = `
enum Status { active, banned, pending }
entity Thing {
  name   varchar(50)
  code   varchar(20) @unique
  legacy int32
  amount int32
  status Status
}
`;

/** V1 with every kind of change: a field added, a varchar widened, an index added, a field dropped, a type changed, an enum value renamed. */
const V2 = `
enum Status { active, blocked, pending }
entity Thing {
  name   varchar(100)
  code   varchar(20) @unique
  amount decimal(10,2)
  status Status
  weight float32?
  @@index([status, amount], name: "StatusAmount")
}
`;

describe("getAlters / applyAlters", () => {
  it("creates every table of an empty database, and a second run finds nothing", async () => {
    const { pool } = await database("sync_create");
    const alters = await getAlters(() => pool, expected(V1));
    expect(alters.map((a) => [a.kind, a.safe, a.table])).toEqual([
      ["create", true, "Thing"],
      ["create", true, "_beeorm_async_offsets"],
    ]);
    expect(alters[0]!.sql).toBe(
      [
        "CREATE TABLE `Thing` (",
        "  `ID` bigint unsigned NOT NULL,",
        "  `name` varchar(50) NOT NULL,",
        "  `code` varchar(20) NOT NULL,",
        "  `legacy` int NOT NULL,",
        "  `amount` int NOT NULL,",
        "  `status` enum('active','banned','pending') NOT NULL DEFAULT 'active',",
        "  PRIMARY KEY (`ID`),",
        "  UNIQUE KEY `code` (`code`)",
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
      ].join("\n"),
    );
    expect(await applyAlters(() => pool, alters)).toEqual(alters);
    expect(await getAlters(() => pool, expected(V1))).toEqual([]);
  });

  it("gives the exact ALTER statements of a schema change, safe and unsafe apart, and applying them leaves nothing to do", async () => {
    const { db, pool } = await database("sync_change");
    await applyAlters(() => pool, await getAlters(() => pool, expected(V1)));
    await db.conn.query("INSERT INTO Thing (ID, name, code, legacy, amount, status) VALUES (1, 'first', 'a', 7, 10, 'active'), (2, 'second', 'b', 8, 20, 'pending')");

    const alters = await getAlters(() => pool, expected(V2));
    expect(summary(alters)).toEqual([
      {
        kind: "alter",
        safe: true,
        sql: [
          "ALTER TABLE `Thing`",
          "  MODIFY COLUMN `name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,",
          "  ADD COLUMN `weight` float NULL AFTER `status`,",
          "  ADD KEY `StatusAmount` (`status`, `amount`)",
        ].join("\n"),
        changes: ["`name`: widen varchar(50) → varchar(100)", "add column `weight` float", "add index `StatusAmount` (status, amount)"],
      },
      {
        kind: "alter",
        safe: false,
        sql: [
          "ALTER TABLE `Thing`",
          "  DROP COLUMN `legacy`,",
          "  MODIFY COLUMN `amount` decimal(10,2) NOT NULL,",
          "  MODIFY COLUMN `status` enum('active','blocked','pending') CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT 'active'",
        ].join("\n"),
        changes: ["drop column `legacy` (int(11))", "`amount`: change type int(11) → decimal(10,2)", "`status`: change type enum('active','banned','pending') → enum('active','blocked','pending')"],
      },
    ]);

    // Without `unsafe`, only the safe statement runs: `legacy` and its data stay.
    expect(await applyAlters(() => pool, alters)).toEqual([alters[0]]);
    expect(await rows(db, "SELECT ID, name, legacy, weight FROM Thing ORDER BY ID")).toEqual([
      { ID: 1, name: "first", legacy: 7, weight: null },
      { ID: 2, name: "second", legacy: 8, weight: null },
    ]);
    expect(summary(await getAlters(() => pool, expected(V2)))).toEqual([summary(alters)[1]]);

    await applyAlters(() => pool, alters.slice(1), { unsafe: true });
    expect(await getAlters(() => pool, expected(V2))).toEqual([]);
    expect(await rows(db, "SELECT ID, amount, status FROM Thing ORDER BY ID")).toEqual([
      { ID: 1, amount: "10.00", status: "active" },
      { ID: 2, amount: "20.00", status: "pending" },
    ]);
  });

  it("marks a new unique index unsafe only when existing rows hold duplicates", async () => {
    const { db, pool } = await database("sync_unique");
    const before = "entity Thing {\n  code varchar(20)\n  region varchar(10)?\n}";
    const after = "entity Thing {\n  code varchar(20) @unique\n  region varchar(10)? @unique\n}";
    await applyAlters(() => pool, await getAlters(() => pool, expected(before)));
    // Two NULL regions never collide in a unique index; two 'x' codes do.
    await db.conn.query("INSERT INTO Thing (ID, code, region) VALUES (1, 'x', NULL), (2, 'y', NULL)");
    expect(summary(await getAlters(() => pool, expected(after)))).toEqual([
      { kind: "alter", safe: true, sql: "ALTER TABLE `Thing`\n  ADD UNIQUE KEY `code` (`code`),\n  ADD UNIQUE KEY `region` (`region`)", changes: ["add unique index `code` (code)", "add unique index `region` (region)"] },
    ]);
    await db.conn.query("UPDATE Thing SET code = 'x'");
    expect(summary(await getAlters(() => pool, expected(after)))).toEqual([
      { kind: "alter", safe: true, sql: "ALTER TABLE `Thing`\n  ADD UNIQUE KEY `region` (`region`)", changes: ["add unique index `region` (region)"] },
      { kind: "alter", safe: false, sql: "ALTER TABLE `Thing`\n  ADD UNIQUE KEY `code` (`code`)", changes: ["add unique index `code` (code): existing rows hold duplicates"] },
    ]);
  });

  it("reports a foreign table and a foreign key without dropping them, and drops them only with dropForeign", async () => {
    const { db, pool } = await database("sync_foreign");
    const text = "entity Thing {\n  name varchar(20)\n  parent Thing?\n}";
    await applyAlters(() => pool, await getAlters(() => pool, expected(text)));
    await db.conn.query("CREATE TABLE legacy_users (id int PRIMARY KEY)");
    await db.conn.query("ALTER TABLE Thing ADD CONSTRAINT fk_parent FOREIGN KEY (parent) REFERENCES Thing (ID)");

    const alters = await getAlters(() => pool, expected(text));
    expect(summary(alters)).toEqual([
      { kind: "foreign-key", safe: false, sql: "ALTER TABLE `Thing` DROP FOREIGN KEY `fk_parent`", changes: ["foreign key fk_parent (parent) → Thing"] },
      { kind: "foreign-table", safe: false, sql: "DROP TABLE `legacy_users`", changes: ["table legacy_users belongs to no entity"] },
    ]);
    expect(await applyAlters(() => pool, alters, { unsafe: true })).toEqual([]);
    const tables = async (): Promise<unknown[]> => (await rows(db, "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()")).map((r) => r.t).sort();
    const foreignKeys = async (): Promise<unknown[]> => (await rows(db, "SELECT CONSTRAINT_NAME AS c FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()")).map((r) => r.c);
    expect(await tables()).toEqual(["Thing", "_beeorm_async_offsets", "legacy_users"]);
    expect(await foreignKeys()).toEqual(["fk_parent"]);

    expect(await applyAlters(() => pool, alters, { dropForeign: true })).toEqual(alters);
    expect(await tables()).toEqual(["Thing", "_beeorm_async_offsets"]);
    expect(await foreignKeys()).toEqual([]);
    expect(await getAlters(() => pool, expected(text))).toEqual([]);
  });

  it("applies the example schema to empty databases (both pools, log tables included) and then finds nothing", async () => {
    const main = await database("sync_example");
    const audit = await database("sync_example_audit");
    const pools = (name: string): MysqlPool => (name === "audit" ? audit.pool : main.pool);
    const tables = expectedTables(tableOwners(compileExampleSchema()));
    const alters = await getAlters(pools, tables);
    expect(alters.every((a) => a.kind === "create" && a.safe)).toBe(true);
    expect(alters.map((a) => `${a.pool}.${a.table}`)).toEqual([...tables].flatMap(([pool, specs]) => specs.map((s) => `${pool}.${s.name}`)));
    expect(alters.map((a) => a.table)).toContain("_log_Customer");
    await applyAlters(pools, alters);
    expect(await getAlters(pools, tables)).toEqual([]);
  });
});

describe("pools sharing one database", () => {
  it("creates a table both pools expect (the offsets table) once, and reports neither pool's tables as foreign", async () => {
    const { pool } = await database("sync_shared");
    const tables = expectedTables(tableOwners(compileExampleSchema()));
    const alters = await getAlters(() => pool, tables);
    const created = alters.map((a) => a.table);
    expect(created.filter((t) => t === "_beeorm_async_offsets")).toHaveLength(1);
    expect(new Set(created).size).toBe(created.length);
    expect(alters.every((a) => a.kind === "create")).toBe(true);
    await applyAlters(() => pool, alters);
    expect(await getAlters(() => pool, tables)).toEqual([]);
  });
});

describe("engine.getAlters()", () => {
  let engine: Engine<Orm>;
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("sync_engine");
    engine = await Engine.create<Orm>(matrixSchema, (e) => new Orm(e), { mysql: { default: `${TEST_MYSQL_URL}/${db.name}` }, redis: { default: "redis://127.0.0.1:6379/9" } });
  });

  afterAll(async () => {
    await engine?.close();
    await db?.drop();
  });

  it("creates the generated schema's tables, then reports nothing", async () => {
    const alters = await engine.getAlters();
    expect(alters.length).toBeGreaterThan(3);
    expect(alters.every((a) => a.kind === "create" && a.pool === "default")).toBe(true);
    expect(await engine.applyAlters(alters)).toHaveLength(alters.length);
    expect(await engine.getAlters()).toEqual([]);
    // The tables work: a flush goes through.
    const orm = engine.newContext();
    const parent = await orm.parent.new({ name: "synced" });
    await orm.flush();
    expect(await rows(db, `SELECT name FROM Parent WHERE ID = ${parent.id}`)).toEqual([{ name: "synced" }]);
  });
});

describe("beeorm-gen migrate", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "beeorm-migrate-"));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), cwd: dir });
    return { code, out, err };
  }

  it("prints the statements, applies the safe ones with --apply, the unsafe ones only with --unsafe", async () => {
    const { db } = await database("sync_cli");
    const url = `default=${TEST_MYSQL_URL}/${db.name}`;
    writeFileSync(join(dir, "shop.bee"), V1);
    const planned = await cli("migrate", ".", "--mysql", url);
    expect(planned).toMatchObject({ code: 0, err: "" });
    expect(planned.out).toContain("-- default.Thing: safe\n--   create table Thing\nCREATE TABLE `Thing` (");
    expect(planned.out).toContain("-- 2 statements: 2 safe, 0 unsafe, 0 foreign; run with --apply to apply the safe ones\n");
    expect(await rows(db, "SHOW TABLES")).toEqual([]);

    expect((await cli("migrate", ".", "--mysql", url, "--apply")).out).toContain("-- applied 2 statements\n");
    expect((await cli("migrate", ".", "--mysql", url)).out).toBe("-- the database matches the schema (MySQL pools: default)\n");

    writeFileSync(join(dir, "shop.bee"), V2);
    const partial = await cli("migrate", ".", "--mysql", url, "--apply");
    expect(partial.code).toBe(0);
    expect(partial.out).toContain("-- default.Thing: safe\n--   `name`: widen varchar(50) → varchar(100)\n");
    expect(partial.out).toContain("-- skipped, not applied:\n\n-- default.Thing: UNSAFE, may lose data\n--   drop column `legacy` (int(11))\n");
    expect(partial.out).toContain("-- applied 1 statement, skipped 1 (--unsafe applies unsafe ones)\n");
    expect(await rows(db, "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Thing' AND COLUMN_NAME = 'legacy'")).toHaveLength(1);

    expect((await cli("migrate", ".", "--mysql", url, "--apply", "--unsafe")).out).toContain("-- applied 1 statement\n");
    expect((await cli("migrate", ".", "--mysql", url)).out).toBe("-- the database matches the schema (MySQL pools: default)\n");
  });

  it("exits 1 with the schema's diagnostics, 1 naming an unreachable pool, 2 for bad usage", async () => {
    writeFileSync(join(dir, "shop.bee"), "entity Thing {\n  name varchr(10)\n}\n");
    const broken = await cli("migrate", ".");
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('shop.bee:2:8: error[E0201]: unknown type "varchr"');

    writeFileSync(join(dir, "shop.bee"), V1);
    const unreachable = await cli("migrate", ".", "--mysql", "default=mysql://root@127.0.0.1:1/none");
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^beeorm-gen migrate: .*ECONNREFUSED/);
    expect(unreachable.err).not.toContain("    at ");

    const usage = await cli("migrate", ".", "--unsafe");
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("beeorm-gen migrate: --unsafe needs --apply\n\nUsage: beeorm-gen migrate");
    expect((await cli("migrate", ".", "--mysql", "nopool=mysql://x")).err).toContain('the schema has no MySQL pool "nopool"');
  });
});
