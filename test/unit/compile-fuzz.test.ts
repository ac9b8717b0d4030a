import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileSchema, renderDiagnostics, type SchemaSource } from "../../generator/compile.js";

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const schemaDir = fileURLToPath(new URL("../../schema/", import.meta.url));
const originals: SchemaSource[] = readdirSync(schemaDir)
  .filter((name) => name.endsWith(".bee"))
  .map((name) => ({ path: `schema/${name}`, name, text: readFileSync(schemaDir + name, "utf8") }));

const TOKEN = /[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|@@|\/\/\/?|\S/g;
const SNIPPETS = [
  "entity", "enum", "mysql", "redis", "@@index([", "@@unique([a, b], name: \"x\", cached)", "@default(", "@cached",
  "@unique", "@index", "@column(\"", "@table(\"ID\")", "@log", "@mysql(\"audit\")", "@localCache(0)", "[", "]", "(",
  ")", "{", "}", "?", "[]", ",", ":", "=", "\"", "\\", "///", "//", "\n", "\t", "\r\n", "id", "int64", "decimal(65, 30)",
  "varchar(16383)", "Tag[]", "Category", "env(\"X\")", "99999999999999999999999999999999", "-0", "1.5", "-",
  "[".repeat(200), "(".repeat(200), "a(".repeat(100), "{".repeat(100), "@".repeat(50), "\u0000", "\uFEFF", "é", "😀",
  "\uD800", "\uDC00", "\u202E", "\u00A0", "\u2028",
];

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const tokens = [...text.matchAll(TOKEN)].map((m) => [m.index, m.index + m[0].length] as const);
  const range = (): readonly [number, number] => {
    if (tokens.length === 0) return [0, 0];
    const first = Math.floor(random() * tokens.length);
    const last = Math.min(tokens.length - 1, first + Math.floor(random() * 6));
    return [tokens[first]?.[0] ?? 0, tokens[last]?.[1] ?? 0];
  };
  const at = (): number => Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 8)) {
    case 0: {
      const [s, e] = range();
      return text.slice(0, s) + text.slice(e);
    }
    case 1: {
      const [s, e] = range();
      const p = at();
      return text.slice(0, p) + text.slice(s, e) + text.slice(p);
    }
    case 2: {
      const [s1, e1] = range();
      const [s2, e2] = range();
      if (e1 > s2) return text;
      return text.slice(0, s1) + text.slice(s2, e2) + text.slice(e1, s2) + text.slice(s1, e1) + text.slice(e2);
    }
    case 3: {
      const p = at();
      return text.slice(0, p) + pick(SNIPPETS) + text.slice(p);
    }
    case 4:
      return text.slice(0, at());
    case 5: {
      const p = at();
      const chars = Array.from({ length: 1 + Math.floor(random() * 8) }, () => String.fromCharCode(Math.floor(random() * 0x10000)));
      return text.slice(0, p) + chars.join("") + text.slice(p);
    }
    case 6: {
      const [s, e] = range();
      const words = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
      return text.slice(0, s) + (words.length > 0 ? pick(words) : "") + text.slice(e);
    }
    default: {
      const p = at();
      const ascii = "{}()[],=?@:\"\\/-.#$0123456789abcXYZ_ \n";
      const chars = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick([...ascii]));
      return text.slice(0, p) + chars.join("") + text.slice(p);
    }
  }
}

function check(sources: readonly SchemaSource[]): void {
  const result = compileSchema(sources);
  const rendered = renderDiagnostics(result.diagnostics, sources);
  expect(typeof rendered).toBe("string");
  const sorted = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  expect(result.diagnostics.find((d) => d.code === "E0000")).toBeUndefined();
  expect(result.model === undefined).toBe(errors.length > 0);
  for (const d of result.diagnostics) {
    const file = sorted[d.span.file];
    expect(file, `${d.code} points into a file`).toBeDefined();
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(file?.text.length ?? 0);
  }
}

describe("compileSchema on mutated schemas", () => {
  it("never throws and keeps its invariants over 3000 seeded mutations", () => {
    const random = prng(20240611);
    for (let i = 0; i < 3000; i++) {
      const sources = originals.map((source) => ({ ...source }));
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) {
        const target = Math.floor(random() * sources.length);
        const source = sources[target];
        if (source !== undefined) sources[target] = { ...source, text: mutate(source.text, random) };
      }
      check(sources);
    }
  });

  it("survives hostile inputs", () => {
    const hostile = [
      "",
      "\uFEFF",
      "\"",
      "entity",
      "entity X { a int32 @default(",
      "[".repeat(100_000),
      "{".repeat(100_000),
      "entity X { a Tag[] @default(" + "[".repeat(50_000),
      "entity X @table(" + "a(".repeat(50_000),
      "entity X { a uint64 @default(" + "9".repeat(10_000) + ") b varchar(" + "9".repeat(400) + ") }",
      Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)).join(""),
      "entity X {\r a int32\r\n b string \r}",
      "\uD800\uD800\uDC00".repeat(100),
      "enum E { " + Array.from({ length: 5000 }, (_, i) => `v${i}`).join(" ") + " } entity X { e E[] }",
    ];
    for (const text of hostile) check([{ path: "schema/x.bee", name: "x.bee", text }]);
    check([]);
  });
});
