import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileSchema, type SchemaSource } from "../../generator/compile.js";
import type { EntityModel, SchemaModel } from "../../generator/model.js";

const schemaDir = fileURLToPath(new URL("../../schema/", import.meta.url));
const example: SchemaSource[] = readdirSync(schemaDir)
  .filter((name) => name.endsWith(".bee"))
  .map((name) => ({ path: `schema/${name}`, name, text: readFileSync(schemaDir + name, "utf8") }));

function compile(text: string): SchemaModel {
  const result = compileSchema([{ path: "t.bee", name: "t.bee", text }]);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  if (result.model === undefined) throw new Error("no model");
  return result.model;
}

function entity(model: SchemaModel, name: string): EntityModel {
  const found = model.entities.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no entity ${name}`);
  return found;
}

function field(model: SchemaModel, entityName: string, fieldName: string) {
  const found = entity(model, entityName).fields.find((f) => f.name === fieldName);
  if (found === undefined) throw new Error(`no field ${entityName}.${fieldName}`);
  return found;
}

describe("resolver on the example schema", () => {
  const result = compileSchema(example);
  const model = result.model as SchemaModel;

  it("compiles with no diagnostics", () => {
    expect(result.diagnostics).toEqual([]);
    expect(model).toBeDefined();
  });

  it("lists files, pools, enums and entities in their stated order", () => {
    expect(model.files).toEqual(["catalog.bee", "customers.bee", "ops.bee", "pools.bee"]);
    expect(model.mysqlPools).toEqual([
      { name: "audit", url: { kind: "env", name: "BEEORM_AUDIT_MYSQL_URL", fallback: "mysql://root@127.0.0.1:3306/test_audit" }, implicit: false },
      { name: "default", url: { kind: "env", name: "BEEORM_MYSQL_URL", fallback: "mysql://root@127.0.0.1:3306/test" }, implicit: false },
    ]);
    expect(model.redisPools.map((p) => [p.name, p.namespace, p.implicit])).toEqual([
      ["default", "shop", false],
      ["sessions", "shop-sessions", false],
    ]);
    expect(model.enums.map((e) => [e.name, e.values, e.file])).toEqual([
      ["OrderState", ["new", "paid", "shipped", "delivered", "cancelled"], "customers.bee"],
      ["Rating", ["G", "PG", "PG-13", "NC-17"], "catalog.bee"],
      ["Status", ["active", "archived", "banned"], "catalog.bee"],
      ["Tag", ["new", "sale", "eco"], "catalog.bee"],
    ]);
    expect(model.entities.map((e) => e.name)).toEqual([
      "AuditEntry", "Brand", "Cart", "Category", "Customer", "Order", "OrderLine", "Product", "Review", "StockMove",
    ]);
  });

  it("resolves entity settings: tables, pools, caches, queues and logs", () => {
    const settings = (name: string) => {
      const e = entity(model, name);
      return [e.table, e.mysqlPool, e.redisCache, e.localCache, e.cacheAll, e.asyncQueue, e.log, e.file];
    };
    expect(settings("Category")).toEqual(["Category", "default", "default", { limit: 1000 }, true, "default", undefined, "catalog.bee"]);
    expect(settings("Brand")).toEqual(["brands", "default", "default", { limit: undefined }, false, "default", undefined, "catalog.bee"]);
    expect(settings("Product")).toEqual(["Product", "default", "default", undefined, false, "default", { table: "_log_Product", mysqlPool: "default" }, "catalog.bee"]);
    expect(settings("Customer")).toEqual(["Customer", "default", "default", { limit: 5000 }, false, "default", { table: "_log_Customer", mysqlPool: "audit" }, "customers.bee"]);
    expect(settings("Order")).toEqual(["orders", "default", "default", undefined, false, "orders", undefined, "customers.bee"]);
    expect(settings("Review")).toEqual(["Review", "default", "sessions", undefined, false, "default", undefined, "customers.bee"]);
    expect(settings("StockMove")).toEqual(["StockMove", "audit", undefined, undefined, false, "stock", undefined, "ops.bee"]);
    expect(settings("AuditEntry")).toEqual(["AuditEntry", "audit", undefined, undefined, false, "audit", { table: "_log_AuditEntry", mysqlPool: "audit" }, "ops.bee"]);
  });

  it("puts the implicit id first, then fields in declaration order", () => {
    const fields = entity(model, "Category").fields;
    expect(fields.map((f) => f.name)).toEqual(["id", "name", "code", "parent", "status", "position"]);
    expect(fields[0]).toEqual({
      name: "id", column: "ID", type: { kind: "id" }, nullable: false, unsigned: false, precision: undefined,
      default: undefined, cached: false, mysqlType: "bigint unsigned", tsType: "number", doc: undefined,
    });
  });

  it("maps every field to its MySQL and TypeScript types", () => {
    const types = (name: string) => entity(model, name).fields.map((f) => [f.name, f.mysqlType, f.tsType, f.nullable]);
    expect(types("Product")).toEqual([
      ["id", "bigint unsigned", "number", false],
      ["title", "varchar(200)", "string", false],
      ["price", "decimal(10,2) unsigned", "number", false],
      ["stock", "int unsigned", "number", false],
      ["weight", "double", "number", true],
      ["category", "bigint unsigned", "number", false],
      ["brand", "bigint unsigned", "number", true],
      ["tags", "set('new','sale','eco')", "Tag[]", true],
      ["rating", "enum('G','PG','PG-13','NC-17')", "Rating", false],
      ["createdAt", "datetime", "Date", false],
      ["releaseOn", "date", "Date", true],
      ["photo", "blob", "Uint8Array", true],
      ["description", "mediumtext", "string", true],
      ["sku", "varchar(32)", "string", false],
    ]);
    expect(types("StockMove").slice(1)).toEqual([
      ["product", "bigint unsigned", "number", false],
      ["delta", "mediumint", "number", false],
      ["smallDelta", "tinyint", "number", true],
      ["lineNo", "mediumint unsigned", "number", false],
      ["external", "bigint", "bigint", true],
      ["sequence", "bigint unsigned", "bigint", false],
      ["movedAt", "datetime", "Date", false],
    ]);
    expect(field(model, "Customer", "vip").mysqlType).toBe("tinyint(1)");
    expect(field(model, "Brand", "name").mysqlType).toBe("varchar(255)");
    expect(field(model, "Brand", "logo").type).toEqual({ kind: "bytes", size: "medium" });
    expect(field(model, "Cart", "payload").mysqlType).toBe("longblob");
    expect(field(model, "OrderLine", "discount")).toMatchObject({ mysqlType: "float unsigned", unsigned: true, precision: 2, nullable: true });
    expect(field(model, "Product", "weight").precision).toBe(3);
    expect(field(model, "Product", "sku").column).toBe("SKU");
    expect(field(model, "Product", "category").type).toEqual({ kind: "reference", entity: "Category" });
  });

  it("checks and records defaults, and gives required enums their first value", () => {
    expect(field(model, "Category", "status").default).toEqual({ kind: "enum", value: "active" });
    expect(field(model, "Category", "position").default).toEqual({ kind: "number", value: "0" });
    expect(field(model, "Brand", "country").default).toEqual({ kind: "string", value: "PL" });
    expect(field(model, "Customer", "vip").default).toEqual({ kind: "bool", value: false });
    expect(field(model, "Order", "state").default).toEqual({ kind: "enum", value: "paid" });
    expect(field(model, "Product", "rating").default).toEqual({ kind: "enum", value: "PG" });
    expect(field(model, "Product", "tags").default).toBeUndefined();
    expect(field(model, "Cart", "flags").default).toBeUndefined();
    expect(field(model, "Brand", "founded").default).toBeUndefined();
  });

  it("builds field, block and reference indexes in order, with cached flags", () => {
    expect(entity(model, "Product").indexes).toEqual([
      { name: "sku", unique: true, fields: ["sku"], cached: false, origin: "field", covered: false },
      { name: "TitleInCategory", unique: true, fields: ["title", "category"], cached: true, origin: "block", covered: false },
      { name: "CategoryNewest", unique: false, fields: ["category", "createdAt"], cached: false, origin: "block", covered: false },
      { name: "category", unique: false, fields: ["category"], cached: true, origin: "reference", covered: true },
      { name: "brand", unique: false, fields: ["brand"], cached: false, origin: "reference", covered: false },
    ]);
    expect(entity(model, "Customer").indexes.map((i) => [i.name, i.unique, i.cached])).toEqual([
      ["email", true, true],
      ["lastSeen", false, false],
      ["country", false, true],
    ]);
    expect(field(model, "Product", "category").cached).toBe(true);
    expect(field(model, "Product", "brand").cached).toBe(false);
    expect(field(model, "Customer", "email").cached).toBe(false);
  });

  it("carries doc comments", () => {
    expect(entity(model, "Category").doc).toBe("A product category; doc comments flow into the generated TSDoc.");
    expect(field(model, "Category", "parent").doc).toBe("The parent category, or null for a top-level one.");
    expect(model.enums.find((e) => e.name === "Tag")?.doc).toBe("Labels shown on a product card.");
  });

  it("does not depend on the order of the sources", () => {
    const reversed = compileSchema([...example].reverse());
    expect(reversed.model).toEqual(model);
  });
});

describe("resolver rules", () => {
  it("implies default pools with local urls", () => {
    const model = compile("entity A { x int8 }");
    expect(model.mysqlPools).toEqual([{ name: "default", url: { kind: "literal", value: "mysql://root@127.0.0.1:3306/test" }, implicit: true }]);
    expect(model.redisPools).toEqual([{ name: "default", url: { kind: "literal", value: "redis://127.0.0.1:6379/0" }, namespace: "", implicit: true }]);
  });

  it("keeps declared pools and implied defaults sorted by name", () => {
    const model = compile('mysql zeta { url = env("Z") }\nmysql alpha { url = "mariadb://a@b/c" }');
    expect(model.mysqlPools.map((p) => [p.name, p.implicit])).toEqual([["alpha", false], ["default", true], ["zeta", false]]);
    expect(model.mysqlPools[2]?.url).toEqual({ kind: "env", name: "Z", fallback: undefined });
  });

  it("maps every scalar type", () => {
    const model = compile(
      "entity A {\n" +
        "b bool\ni8 int8\ni16 int16\ni24 int24\ni32 int32\ni64 int64\nu8 uint8\nu16 uint16\nu24 uint24\nu32 uint32\nu64 uint64\n" +
        "f32 float32\nf64 float64 @unsigned\nd decimal(65, 30)\nd0 decimal(5)\nv varchar(1000)\ns string\nt text\nday date\nat datetime\nraw bytes\n}",
    );
    expect(entity(model, "A").fields.slice(1).map((f) => `${f.name}:${f.mysqlType}:${f.tsType}`)).toEqual([
      "b:tinyint(1):boolean", "i8:tinyint:number", "i16:smallint:number", "i24:mediumint:number", "i32:int:number",
      "i64:bigint:bigint", "u8:tinyint unsigned:number", "u16:smallint unsigned:number", "u24:mediumint unsigned:number",
      "u32:int unsigned:number", "u64:bigint unsigned:bigint", "f32:float:number", "f64:double unsigned:number",
      "d:decimal(65,30):number", "d0:decimal(5,0):number", "v:varchar(1000):string", "s:varchar(255):string",
      "t:mediumtext:string", "day:date:Date", "at:datetime:Date", "raw:blob:Uint8Array",
    ]);
  });

  it("counts a row like MySQL: 4 bytes per varchar character plus the id", () => {
    expect(compile("entity A { v varchar(16381) }").entities).toHaveLength(1);
    const result = compileSchema([{ path: "t.bee", name: "t.bee", text: "entity A { v varchar(16382) }" }]);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([["E0603", "a row of A takes up to 65538 bytes; MySQL allows 65535"]]);
  });

  it("quotes enum values for MySQL and keeps them for TypeScript", () => {
    const model = compile('enum Q { "it\'s" "back\\\\slash" plain }\nentity A { q Q? s Q[] }');
    expect(field(model, "A", "q")).toMatchObject({ mysqlType: "enum('it''s','back\\\\slash','plain')", tsType: "Q", default: undefined });
    expect(field(model, "A", "s")).toMatchObject({ mysqlType: "set('it''s','back\\\\slash','plain')", tsType: "Q[]", default: undefined });
    expect(model.enums[0]?.values).toEqual(["it's", "back\\slash", "plain"]);
  });

  it("accepts defaults of every kind and normalises integers", () => {
    const model = compile(
      'enum E { a b c }\nentity A {\n i int64 @default(-9223372036854775808)\n u uint8 @default(007)\n f float32 @default(-1.5)\n' +
        ' d decimal(5, 2) @default(-123.45)\n e E? @default("b")\n s E[] @default([c, "a"])\n none E[] @default([])\n' +
        ' day date @default("2024-02-29")\n at datetime @default("2024-12-31 23:59:59")\n ok bool @default(true)\n}',
    );
    const defaults = Object.fromEntries(entity(model, "A").fields.map((f) => [f.name, f.default]));
    expect(defaults).toEqual({
      id: undefined,
      i: { kind: "number", value: "-9223372036854775808" },
      u: { kind: "number", value: "7" },
      f: { kind: "number", value: "-1.5" },
      d: { kind: "number", value: "-123.45" },
      e: { kind: "enum", value: "b" },
      s: { kind: "set", values: ["c", "a"] },
      none: { kind: "set", values: [] },
      day: { kind: "string", value: "2024-02-29" },
      at: { kind: "string", value: "2024-12-31 23:59:59" },
      ok: { kind: "bool", value: true },
    });
  });

  it("lets an explicit single-field index replace a reference index, caching it with @cached", () => {
    const model = compile(
      "entity P { n int8 }\nentity C {\n p P @cached\n q P\n r P @unique\n @@index([p], name: \"ByP\")\n @@index([q, r])\n}",
    );
    expect(entity(model, "C").indexes).toEqual([
      { name: "r", unique: true, fields: ["r"], cached: false, origin: "field", covered: false },
      { name: "ByP", unique: false, fields: ["p"], cached: true, origin: "block", covered: false },
      { name: "q_r", unique: false, fields: ["q", "r"], cached: false, origin: "block", covered: false },
      { name: "q", unique: false, fields: ["q"], cached: false, origin: "reference", covered: true },
    ]);
    expect(entity(model, "C").fields.map((f) => f.cached)).toEqual([false, true, false, false]);
  });

  it("orders field and block indexes by where they are written", () => {
    const model = compile("entity A {\n a int8 @index\n @@index([a, b])\n b int8 @unique\n}");
    expect(entity(model, "A").indexes.map((i) => [i.name, i.origin])).toEqual([["a", "field"], ["a_b", "block"], ["b", "field"]]);
  });

  it("lets @cached on a plain field cache a block index on exactly that field", () => {
    const model = compile("entity A {\n code varchar(10) @cached\n @@unique([code], name: \"ByCode\")\n}");
    expect(entity(model, "A").indexes).toEqual([{ name: "ByCode", unique: true, fields: ["code"], cached: true, origin: "block", covered: false }]);
  });

  it("joins consecutive doc lines", () => {
    const model = compile("/// One.\n/// Two.\nentity A {\n /// Field.\n x int8\n}");
    expect(entity(model, "A").doc).toBe("One.\nTwo.");
    expect(field(model, "A", "x").doc).toBe("Field.");
  });

  it("returns a model when there are only warnings", () => {
    const result = compileSchema([{ path: "t.bee", name: "t.bee", text: "entity A { d decimal(5, 2) @default(1.234) }" }]);
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([["W0401", "warning"]]);
    expect(result.model).toBeDefined();
  });

  it("reports every error of a run, sorted by file, offset and code", () => {
    const result = compileSchema([
      { path: "b.bee", name: "b.bee", text: "entity B { x strng }" },
      { path: "a.bee", name: "a.bee", text: "entity A @localCahe { y uint8 @default(300) }" },
    ]);
    expect(result.model).toBeUndefined();
    expect(result.diagnostics.map((d) => [d.span.file, d.code])).toEqual([
      [0, "E0301"],
      [0, "E0402"],
      [1, "E0201"],
    ]);
  });

  it("does not report names a syntax error may have swallowed", () => {
    const result = compileSchema([{ path: "t.bee", name: "t.bee", text: "entiy Owner { n int8 }\nentity Car { owner Owner }" }]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(["E0006"]);
  });
});
