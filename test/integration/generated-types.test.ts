/**
 * The committed `generated/` type-checks under strict + noUncheckedIndexedAccess +
 * verbatimModuleSyntax with zero errors — and the same check does fail on a broken copy, so a
 * pass means something.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

interface TscResult {
  readonly code: number;
  readonly output: string;
}

function tsc(args: readonly string[], cwd = ROOT): Promise<TscResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, ...args], { cwd, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A copy of generated/ outside the repository, with a tsconfig resolving `beeorm/runtime` to dist/. */
function copyOfGenerated(): string {
  const dir = mkdtempSync(join(tmpdir(), "beeorm-types-"));
  temps.push(dir);
  cpSync(join(ROOT, "generated"), join(dir, "generated"), { recursive: true });
  const tsconfig = {
    extends: join(ROOT, "tsconfig.json"),
    compilerOptions: {
      noEmit: true,
      rootDir: dir,
      typeRoots: [join(ROOT, "node_modules", "@types")],
      paths: { "beeorm/runtime": [join(ROOT, "dist", "runtime", "index.d.ts")] },
    },
    include: [join(dir, "generated")],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

describe("generated/ type-checks", () => {
  it("the options under test are the strict ones", () => {
    const config = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    expect(config.compilerOptions).toMatchObject({ strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true });
    const own = JSON.parse(readFileSync(join(ROOT, "test", "tsconfig.generated.json"), "utf8")) as { include: string[] };
    expect(own.include).toEqual(["../generated"]);
  });

  it("tsc -p test/tsconfig.generated.json: exit 0, no diagnostics, every generated file checked", async () => {
    // --listFiles adds the checked files' paths to the (otherwise empty) output.
    const result = await tsc(["-p", "test/tsconfig.generated.json", "--listFiles"]);
    const listed = result.output.split("\n").filter((line) => line.startsWith("/") && line.endsWith(".ts"));
    const diagnostics = result.output.split("\n").filter((line) => line !== "" && !listed.includes(line));
    expect(diagnostics.join("\n")).toBe("");
    expect(result.code).toBe(0);
    const files = readdirSync(join(ROOT, "generated")).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) expect(listed, name).toContain(join(ROOT, "generated", name));
    // `beeorm/runtime` resolves through package.json exports (tsc maps dist/ back to its sources,
    // since dist/ is this project's outDir).
    expect(listed.filter((path) => path === join(ROOT, "dist", "runtime", "index.d.ts") || path === join(ROOT, "runtime", "index.ts"))).toHaveLength(1);
  });

  it("the same check passes on an untouched copy and fails on a copy with a type error", async () => {
    const cleanDir = copyOfGenerated();
    const brokenDir = copyOfGenerated();
    // Declare a string property of the Category draft as a number: validate() and fromRow() no
    // longer fit it, which only a checker that sees real types notices.
    const file = join(brokenDir, "generated", "category.ts");
    const text = readFileSync(file, "utf8");
    const broken = text.replace(/(export interface CategoryDraft \{[\s\S]*?\bname): string;/, "$1: number;");
    expect(broken).not.toBe(text);
    writeFileSync(file, broken);

    const [clean, failed] = await Promise.all([tsc(["-p", join(cleanDir, "tsconfig.json")]), tsc(["-p", join(brokenDir, "tsconfig.json")])]);
    expect(clean.output).toBe("");
    expect(clean.code).toBe(0);
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/category\.ts\(\d+,\d+\): error TS2322/);
  });
});
