import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileSchema, renderDiagnostics, type SchemaSource } from "../../generator/compile.js";
import { DIAGNOSTIC_CODES } from "../../generator/diagnostics/codes.js";

/**
 * Golden diagnostics: each `cases/<code>-<slug>.bee` (or folder of `.bee` files) ends with its
 * expected rendered output in `//! ` lines. `UPDATE_EXPECT=1` rewrites those lines.
 */
const casesDir = fileURLToPath(new URL("./cases/", import.meta.url));
const update = process.env["UPDATE_EXPECT"] === "1";
const EXPECT_PREFIX = "//!";

interface CaseFile {
  readonly file: string;
  readonly source: SchemaSource;
  readonly expected: string[];
}

function readCaseFile(file: string, path: string, name: string): CaseFile {
  const lines = readFileSync(file, "utf8").split("\n");
  const schema = lines.filter((line) => !line.startsWith(EXPECT_PREFIX)).join("\n");
  const expected = lines.filter((line) => line.startsWith(EXPECT_PREFIX)).map((line) => line.slice(EXPECT_PREFIX.length + 1));
  return { file, source: { path, name, text: schema }, expected };
}

function readCase(entry: string): CaseFile[] {
  const full = join(casesDir, entry);
  if (!statSync(full).isDirectory()) return [readCaseFile(full, `cases/${entry}`, entry)];
  return readdirSync(full)
    .filter((name) => name.endsWith(".bee"))
    .sort()
    .map((name) => readCaseFile(join(full, name), `cases/${entry}/${name}`, name));
}

const entries = readdirSync(casesDir).sort();

describe("golden diagnostics", () => {
  for (const entry of entries) {
    it(entry, () => {
      const files = readCase(entry);
      const sources = files.map((f) => f.source);
      const result = compileSchema(sources);
      const rendered = renderDiagnostics(result.diagnostics, sources);
      const code = /^([EW]\d{4})-/.exec(entry)?.[1];
      expect(code, "case names start with their code").toBeDefined();
      expect(rendered).toContain(`[${code}]`);
      expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
      expect(result.model).toBeUndefined();
      const holder = files[files.length - 1];
      if (holder === undefined) throw new Error(`empty case ${entry}`);
      if (update) {
        const block = rendered.split("\n").map((line) => (line === "" ? EXPECT_PREFIX : `${EXPECT_PREFIX} ${line}`));
        writeFileSync(holder.file, `${holder.source.text.replace(/\n*$/, "\n")}${block.join("\n")}\n`);
      } else {
        expect(rendered).toBe(holder.expected.join("\n"));
      }
    });
  }

  it("covers every error code with at least one case, and at least 30 cases", () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
    const covered = new Set(entries.map((entry) => entry.slice(0, 5)));
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => code !== "E0000" && !covered.has(code));
    expect(missing).toEqual([]);
  });
});

describe("renderDiagnostics", () => {
  const render = (text: string) => {
    const sources = [{ path: "s.bee", name: "s.bee", text }];
    return renderDiagnostics(compileSchema(sources).diagnostics, sources);
  };

  it("renders nothing for no diagnostics", () => {
    expect(render("entity A { x int8 }")).toBe("");
  });

  it("points at the end of the file for a missing brace", () => {
    expect(render("entity A {\n  x int8\n")).toBe(
      ['s.bee:3:1: error[E0005]: expected "}", found end of file', "  |", "3 |", "  | ^", "", "1 error"].join("\n"),
    );
  });

  it("shows only the first line of a span that runs on", () => {
    const out = render("entity A {\n t varchar(800)\n u varchar(800)\n @@index([t,\n   u])\n}").split("\n");
    expect(out.slice(0, 4)).toEqual([
      's.bee:4:2: error[E0504]: index "t_u" has a 6400-byte key; InnoDB allows 3072 bytes',
      "  |",
      "4 |  @@index([t,",
      "  |  ^^^^^^^^^^^",
    ]);
  });

  it("replaces characters that garble a terminal", () => {
    const out = render('entity A @table("x\u202Ey\u001B[31m") { x int8 }');
    expect(out).not.toMatch(/[\u202E\u001B]/);
    expect(out).toContain('invalid table name "x\uFFFDy\uFFFD[31m": it contains a control character');
  });

  it("counts warnings in the summary", () => {
    expect(render("entity A { d decimal(5, 2) @default(1.234) e strng }").split("\n").at(-1)).toBe("1 error, 1 warning");
  });
});
