import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../generator/diagnostics/diagnostic.js";
import type { EntityNode, EnumNode, PoolNode } from "../../generator/syntax/ast.js";
import { parseSchemaFile } from "../../generator/syntax/parser.js";

function parse(text: string) {
  const bag = new DiagnosticBag();
  const file = parseSchemaFile(text, 3, bag);
  return { file, diagnostics: bag.sorted() };
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe("parser", () => {
  it("parses an entity with attributes, typed fields and block attributes", () => {
    const text = [
      "/// A car.",
      'entity Car @table("cars") @localCache(100) {',
      "  /// Its name.",
      "  name  varchar(100) @unique @cached",
      "  price decimal(10, 2)?",
      "  tags  Tag[]? @default([a, \"b c\"])",
      '  @@index([name, price], name: "ByName", cached)',
      "}",
    ].join("\n");
    const { file, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const entity = only(file.declarations) as EntityNode;
    expect(entity.kind).toBe("Entity");
    expect(entity.name.value).toBe("Car");
    expect(entity.doc).toBe("A car.");
    expect(entity.attributes.map((a) => [a.name.value, a.block, a.args?.map((arg) => arg.value)])).toEqual([
      ["table", false, [{ kind: "String", span: expect.anything(), value: "cars" }]],
      ["localCache", false, [{ kind: "Number", span: expect.anything(), value: "100" }]],
    ]);
    expect(entity.fields.map((f) => [f.name.value, f.type.name.value, f.type.list, f.type.optional])).toEqual([
      ["name", "varchar", false, false],
      ["price", "decimal", false, true],
      ["tags", "Tag", true, true],
    ]);
    const [name, price, tags] = entity.fields;
    expect(name?.doc).toBe("Its name.");
    expect(name?.attributes.map((a) => a.name.value)).toEqual(["unique", "cached"]);
    expect(name?.attributes.every((a) => a.args === undefined)).toBe(true);
    expect(price?.type.args?.map((a) => a.value.kind === "Number" && a.value.value)).toEqual(["10", "2"]);
    const defaultValue = tags?.attributes[0]?.args?.[0]?.value;
    expect(defaultValue?.kind).toBe("Array");
    expect(defaultValue?.kind === "Array" && defaultValue.elements.map((e) => [e.kind, e.kind === "Array" || e.kind === "Call" ? "" : e.value])).toEqual([
      ["Identifier", "a"],
      ["String", "b c"],
    ]);
    const block = only(entity.blockAttributes);
    expect(block.block).toBe(true);
    expect(block.args?.map((a) => [a.name?.value, a.value.kind])).toEqual([
      [undefined, "Array"],
      ["name", "String"],
      [undefined, "Identifier"],
    ]);
  });

  it("gives every node a span in its file", () => {
    const text = "entity Car {\n  name string @unique\n}";
    const entity = only(parse(text).file.declarations) as EntityNode;
    const field = only(entity.fields);
    expect(entity.span).toEqual({ file: 3, start: 0, end: text.length });
    expect(text.slice(field.span.start, field.span.end)).toBe("name string @unique");
    expect(text.slice(field.type.span.start, field.type.span.end)).toBe("string");
    expect(text.slice(field.attributes[0]!.span.start, field.attributes[0]!.span.end)).toBe("@unique");
    expect(field.name.span.file).toBe(3);
  });

  it("parses pools with env() and optional commas, and enums with quoted values", () => {
    const { file, diagnostics } = parse(
      'redis cache { url = env("URL", "redis://x:6379/0"), namespace = "ns" }\nmysql db { url = "mysql://a@b/c" }\nenum R { "PG-13", G NC_17 }',
    );
    expect(diagnostics).toEqual([]);
    const [redis, mysql, rating] = file.declarations as [PoolNode, PoolNode, EnumNode];
    expect([redis.engine, redis.name.value, redis.properties.map((p) => p.name.value)]).toEqual(["redis", "cache", ["url", "namespace"]]);
    const url = redis.properties[0]?.value;
    expect(url?.kind === "Call" && [url.callee.value, url.args.map((a) => a.value.kind === "String" && a.value.value)]).toEqual([
      "env",
      ["URL", "redis://x:6379/0"],
    ]);
    expect(mysql.engine).toBe("mysql");
    expect(rating.values.map((v) => v.value)).toEqual(["PG-13", "G", "NC_17"]);
  });

  it("recovers from a missing brace and still parses the next declaration", () => {
    const { file, diagnostics } = parse("entity Car {\n  name string\n\nentity Bus {\n  seats uint8\n}");
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["E0005", 'expected "}", found name "entity"']]);
    expect(file.declarations.map((d) => d.name.value)).toEqual(["Car", "Bus"]);
    expect((file.declarations[1] as EntityNode).fields.map((f) => f.name.value)).toEqual(["seats"]);
  });

  it("skips an unknown declaration with a suggestion and goes on", () => {
    const { file, diagnostics } = parse("entiy Car { name string }\nenum E { a }");
    expect(diagnostics.map((d) => [d.code, d.suggestion])).toEqual([["E0006", "entity"]]);
    expect(file.declarations.map((d) => d.kind)).toEqual(["Enum"]);
  });

  it("reports each broken field once and keeps the good ones", () => {
    const { file, diagnostics } = parse("entity Car {\n  a int8 @default(1\n  b: string\n  c uint8\n  ) d int8\n}");
    expect(diagnostics.map((d) => d.code)).toEqual(["E0005", "E0005", "E0005"]);
    const entity = only(file.declarations) as EntityNode;
    expect(entity.fields.map((f) => f.name.value)).toEqual(["a", "c"]);
  });

  it("stops nesting at 32 levels without recursing further", () => {
    const { diagnostics } = parse(`entity X { a Tag[] @default(${"[".repeat(10_000)}a${"]".repeat(10_000)}) }`);
    expect(diagnostics.map((d) => d.code)).toEqual(["E0007"]);
  });

  it("parses an empty file to no declarations", () => {
    expect(parse("  // nothing\n").file.declarations).toEqual([]);
  });
});
