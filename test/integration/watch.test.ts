/**
 * `beeorm-gen --watch` as a real child process on a temp schema folder: regenerates what an edit
 * changes, keeps the last good output on errors, recovers, never loops on its own output (also
 * when the output folder is inside the schema folder) and exits 0 on SIGINT.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist", "generator", "cli", "main.js");
const WAIT_MS = 10_000;
/** chokidar suppresses repeated "change" events of one path for 50 ms. */
const CHOKIDAR_THROTTLE_MS = 100;

const temps: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  // A failed test must not leave a watcher behind; ours only, by pid.
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `beeorm-watch-${label}-`));
  temps.push(dir);
  cpSync(join(ROOT, "schema"), join(dir, "schema"), { recursive: true });
  return dir;
}

class Watcher {
  stdout = "";
  stderr = "";
  readonly #child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], cwd: string) {
    this.#child = spawn(process.execPath, [CLI, ...args, "--watch"], {
      cwd,
      env: { ...process.env, BEEORM_GEN_CACHE: join(cwd, ".cache") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(this.#child);
    this.#child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    this.#child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.#exited = new Promise((resolve) => this.#child.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** The "regenerated …" lines so far. */
  get regenerations(): string[] {
    return this.stdout.split("\n").filter((line) => line.startsWith("regenerated "));
  }

  /** Resolves when `condition` holds; fails with the process output after WAIT_MS. */
  async until(what: string, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!condition()) {
      if (this.#child.exitCode !== null) throw new Error(`watcher exited (${this.#child.exitCode}) waiting for ${what}\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await sleep(20);
    }
  }

  /** Sends SIGINT and resolves to how the process ended. */
  async interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#child.kill("SIGINT");
    return this.#exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function snapshot(dir: string): Map<string, { text: string; mtimeMs: number }> {
  return new Map(
    readdirSync(dir)
      .filter((name) => statSync(join(dir, name)).isFile())
      .sort()
      .map((name) => [name, { text: readFileSync(join(dir, name), "utf8"), mtimeMs: statSync(join(dir, name)).mtimeMs }]),
  );
}

/** Replaces `from` by `to` in a schema file, insisting that `from` occurs. */
function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  expect(text, `${file} should contain ${from}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

describe("beeorm-gen --watch", () => {
  it("regenerates on edits, keeps the last good output on errors, settles, exits 0 on SIGINT", async () => {
    const dir = tempDir("main");
    const catalog = join(dir, "schema", "catalog.bee");
    const out = join(dir, "out");
    const watcher = new Watcher(["schema", "--out", "out"], dir);
    await watcher.until('"watching"', () => watcher.stdout.includes("watching"));
    expect(watcher.stderr).toBe("");
    const committed = snapshot(join(ROOT, "generated"));
    const initial = snapshot(out);
    expect([...initial.keys()]).toEqual([...committed.keys()]);
    for (const [name, { text }] of initial) expect(text, name).toBe(committed.get(name)!.text);
    const initialRegenerations = watcher.regenerations.length;

    // 1. A new field: brand.ts and schema.sql change, nothing else is rewritten.
    edit(catalog, "  website  varchar(300)?\n", "  website  varchar(300)?\n  slogan   varchar(50)?\n");
    await watcher.until("the first regeneration", () => watcher.regenerations.length > initialRegenerations);
    expect(watcher.regenerations.at(-1)).toMatch(/^regenerated brand\.ts, schema\.sql in \d+ ms$/);
    expect(readFileSync(join(out, "brand.ts"), "utf8")).toMatch(/\bslogan: string \| null;/);
    expect(readFileSync(join(out, "schema.sql"), "utf8")).toContain("`slogan` varchar(50) NULL,");
    const good = snapshot(out);
    for (const [name, state] of good) if (name !== "brand.ts" && name !== "schema.sql") expect(state, name).toEqual(initial.get(name));
    const afterFirst = watcher.regenerations.length;
    await sleep(CHOKIDAR_THROTTLE_MS); // see "an edit right after another one" below

    // 2. A broken edit: the diagnostic is printed and the output stays as it was.
    edit(catalog, "  slogan   varchar(50)?\n", "  slogan   varchr(50)?\n");
    await watcher.until("the diagnostic", () => watcher.stderr.includes("kept the last good output"));
    expect(watcher.stderr).toMatch(/catalog\.bee:\d+:\d+: error\[E0201\]: unknown type "varchr"/);
    expect(watcher.stderr).toContain("slogan   varchr(50)?");
    await sleep(300);
    expect(watcher.regenerations.length).toBe(afterFirst);
    expect(snapshot(out)).toEqual(good);
    await sleep(CHOKIDAR_THROTTLE_MS);

    // 3. Fixed: regenerated again with the fixed schema.
    edit(catalog, "  slogan   varchr(50)?\n", "  motto    varchar(60)?\n");
    await watcher.until("the regeneration after the fix", () => watcher.regenerations.length > afterFirst);
    expect(watcher.regenerations.at(-1)).toMatch(/^regenerated brand\.ts, schema\.sql in \d+ ms$/);
    const brand = readFileSync(join(out, "brand.ts"), "utf8");
    expect(brand).toMatch(/\bmotto: string \| null;/);
    expect(brand).not.toContain("slogan");
    expect(readFileSync(join(out, "schema.sql"), "utf8")).toContain("`motto` varchar(60) NULL,");

    // 4. Settled: no further regeneration, not even when a non-.bee file changes.
    const settled = watcher.regenerations.length;
    writeFileSync(join(dir, "schema", "notes.txt"), "not a schema file\n");
    await sleep(1_000);
    expect(watcher.regenerations.length).toBe(settled);
    const quiet = snapshot(out);
    await sleep(200);
    expect(snapshot(out)).toEqual(quiet);

    // 5. SIGINT ends it cleanly.
    const exit = await watcher.interrupt();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(watcher.stderr.match(/kept the last good output/g)).toHaveLength(1);
    // The summary and the "kept" notice are separate lines.
    expect(watcher.stderr).toMatch(/^1 error\nkept the last good output in out\n$/m);
  });

  it("an edit right after another one is not lost", async () => {
    // chokidar drops a second "change" of one path within 50 ms of the first; an edit made in that
    // window (format-on-save, a second save, git) must still reach the output.
    const dir = tempDir("quick");
    const catalog = join(dir, "schema", "catalog.bee");
    const watcher = new Watcher(["schema", "--out", "out"], dir);
    await watcher.until('"watching"', () => watcher.stdout.includes("watching"));
    edit(catalog, "  website  varchar(300)?\n", "  website  varchar(300)?\n  first    varchar(10)?\n");
    await sleep(35);
    edit(catalog, "  first    varchar(10)?\n", "  first    varchar(10)?\n  second   varchar(10)?\n");
    const brand = join(dir, "out", "brand.ts");
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && !readFileSync(brand, "utf8").includes("second")) await sleep(50);
    expect(readFileSync(brand, "utf8")).toMatch(/\bfirst: string \| null;/);
    expect(readFileSync(brand, "utf8"), `the second edit never reached the output\n${watcher.stdout}`).toMatch(/\bsecond: string \| null;/);
    expect(await watcher.interrupt()).toEqual({ code: 0, signal: null });
  });

  it("does not loop when the output folder is inside the schema folder", async () => {
    const dir = tempDir("inside");
    const out = join(dir, "schema", "generated");
    const watcher = new Watcher(["schema", "--out", "schema/generated"], dir);
    await watcher.until('"watching"', () => watcher.stdout.includes("watching"));
    expect(existsSync(join(out, "index.ts"))).toBe(true);
    const start = watcher.regenerations.length;
    await sleep(1_000);
    expect(watcher.regenerations.length).toBe(start);

    edit(join(dir, "schema", "ops.bee"), "  details   text?\n", "  details   text?\n  reason    varchar(20)?\n");
    await watcher.until("the regeneration", () => watcher.regenerations.length > start);
    expect(watcher.regenerations.at(-1)).toMatch(/^regenerated audit-entry\.ts, schema\.sql in \d+ ms$/);
    expect(readFileSync(join(out, "audit-entry.ts"), "utf8")).toMatch(/\breason: string \| null;/);
    await sleep(1_500);
    expect(watcher.regenerations).toHaveLength(start + 1);
    expect(watcher.stderr).toBe("");

    // Deleting a schema file removes the files of its entities (nothing references them).
    rmSync(join(dir, "schema", "ops.bee"));
    await watcher.until("the regeneration after the deletion", () => watcher.regenerations.length > start + 1);
    expect(watcher.regenerations.at(-1)).toMatch(/^regenerated consumer\.ts, index\.ts, schema\.sql, audit-entry\.ts, cart\.ts, stock-move\.ts in \d+ ms$/);
    expect(readdirSync(out).sort()).toEqual(
      ["brand.ts", "category.ts", "consumer.ts", "customer.ts", "enums.ts", "index.ts", "order-line.ts", "order.ts", "product.ts", "review.ts", "schema.sql"],
    );
    await sleep(1_000);
    expect(watcher.regenerations).toHaveLength(start + 2);

    expect(await watcher.interrupt()).toEqual({ code: 0, signal: null });
  });

  it("an output folder whose path is a prefix of the schema folder's does not hide edits", async () => {
    const dir = tempDir("prefix");
    cpSync(join(dir, "schema"), join(dir, "schema-v2"), { recursive: true });
    rmSync(join(dir, "schema"), { recursive: true });
    const watcher = new Watcher(["schema-v2", "--out", "schema"], dir);
    await watcher.until('"watching"', () => watcher.stdout.includes("watching"));
    const start = watcher.regenerations.length;
    edit(join(dir, "schema-v2", "catalog.bee"), "  website  varchar(300)?\n", "  website  varchar(300)?\n  slogan   varchar(50)?\n");
    await watcher.until("the regeneration", () => watcher.regenerations.length > start);
    expect(readFileSync(join(dir, "schema", "brand.ts"), "utf8")).toMatch(/\bslogan: string \| null;/);
    expect(await watcher.interrupt()).toEqual({ code: 0, signal: null });
  });
});
