#!/usr/bin/env node
// Generator benchmark: beeorm-gen vs `prisma generate` on the same synthetic N-entity schema.
//
//   npm run bench:gen                      # build, then: node bench/gen/run.mjs
//   node bench/gen/run.mjs [--keep] [--entities 200] [--runs 3] [--no-full-check]
//
// Figures: cold generate, warm re-run, watch latency, output size, `tsc --noEmit` over each output.
// Results are printed as a table and written to .bench/gen-results.json. The bench is not a test:
// a MISS does not fail it; the exit code is 1 only when a tool could not be run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dirStats, mtimes } from "./fs-stats.mjs";
import { describeFailure, killLiveChildren, runTimed, summarize } from "./proc.mjs";
import { fmtBytes, fmtInt, fmtMs, fmtRatio, printTable, ratio, verdict } from "./report.mjs";
import { measureWatchLatency } from "./watch-latency.mjs";

const TARGETS = {
  coldRatio: 0.6, // beeorm cold generate ≤ 0.6 × prisma generate
  warmMs: 500, // beeorm re-run with nothing changed
  watchMs: 200, // save → entity file rewritten, median of the edits
  bytesRatio: 0.2, // beeorm output bytes ≤ 0.2 × prisma's
  tscRatio: 0.5, // tsc --noEmit over beeorm output ≤ 0.5 × over prisma's
};
const WATCH_ENTITIES = [57, 113, 9, 171, 142];
const GEN_TIMEOUT_MS = 180_000;
const TSC_TIMEOUT_MS = 300_000;

const { values: opts } = parseArgs({
  options: {
    keep: { type: "boolean", default: false },
    entities: { type: "string", default: "200" },
    runs: { type: "string", default: "3" },
    "no-full-check": { type: "boolean", default: false },
    "bee-cli": { type: "string" }, // another beeorm-gen entry point (e.g. a stand-in while developing the bench)
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: node bench/gen/run.mjs [--keep] [--entities N=200] [--runs N=3] [--no-full-check] [--bee-cli PATH]");
  process.exit(0);
}
const N = Number(opts.entities);
const RUNS = Number(opts.runs);
if (!Number.isInteger(N) || N < 2 || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error("--entities must be an integer ≥ 2 and --runs an integer ≥ 1");
  process.exit(2);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const node = process.execPath;
const synthScript = path.resolve(repoRoot, "../shared/bench/synth-schema.py");
const beeCli = opts["bee-cli"] ? path.resolve(opts["bee-cli"]) : path.join(repoRoot, "dist/generator/cli/main.js");
const prismaCli = path.join(repoRoot, "node_modules/prisma/build/index.js");
const tscCli = path.join(repoRoot, "node_modules/typescript/bin/tsc");
const resultsFile = path.join(repoRoot, ".bench/gen-results.json");

/** What `prisma generate` needs to run offline (see README of this folder / the report). */
const prismaEnv = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", // else it downloads schema-engine from binaries.prisma.sh first
  CHECKPOINT_DISABLE: "1", // else a telemetry request (DNS lookup) on every run
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  NO_COLOR: "1",
};

for (const [what, file] of [
  ["schema synthesiser", synthScript],
  ["prisma CLI (devDependency)", prismaCli],
  ["typescript (devDependency)", tscCli],
]) {
  if (!fs.existsSync(file)) {
    console.error(`bench:gen: ${what} not found at ${file}`);
    process.exit(2);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beeorm-bench-gen-"));
const beeSchemaDir = path.join(dir, "bee");
const beeOut = path.join(dir, "bee-out");
const prismaOut = path.join(dir, "generated");
const cacheDir = path.join(dir, "node_modules/.cache");
const links = {
  prisma: path.join(repoRoot, "node_modules/prisma"),
  "@prisma": path.join(repoRoot, "node_modules/@prisma"),
  beeorm: repoRoot,
};

let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  killLiveChildren();
  if (opts.keep) {
    console.log(`\nkept ${dir}`);
    return;
  }
  // Unlink the node_modules symlinks first, so nothing can ever recurse into the repo.
  for (const name of Object.keys(links)) fs.rmSync(path.join(dir, "node_modules", name), { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
}
process.on("SIGINT", () => {
  console.error("\ninterrupted");
  cleanup();
  process.exit(130);
});

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim(),
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavg1mStart: Math.round(os.loadavg()[0] * 100) / 100,
  },
  versions: {
    prisma: readVersion("node_modules/prisma/package.json"),
    prismaClient: readVersion("node_modules/@prisma/client/package.json"),
    typescript: readVersion("node_modules/typescript/package.json"),
    beeorm: readVersion("package.json"),
  },
  config: { entities: N, runs: RUNS, watchEdits: WATCH_ENTITIES.length, targets: TARGETS, prismaEnv: pick(prismaEnv) },
  beeorm: { status: "ok" },
  prisma: { status: "ok" },
  errors: [],
};
const bee = results.beeorm;
const prisma = results.prisma;

function readVersion(rel) {
  try {
    return JSON.parse(fs.readFileSync(path.join(repoRoot, rel), "utf8")).version;
  } catch {
    return undefined;
  }
}
function pick(env) {
  return Object.fromEntries(
    ["PRISMA_SCHEMA_ENGINE_BINARY", "CHECKPOINT_DISABLE", "PRISMA_HIDE_UPDATE_MESSAGE"].map((k) => [k, env[k]]),
  );
}
function fail(side, message) {
  side.status = "failed";
  side.error = message;
  results.errors.push(message);
  console.error(`  ! ${message.split("\n")[0]}`);
}
const progress = (s) => console.log(`· ${s}`);

function setup() {
  progress(`synthesising a ${N}-entity schema in ${dir}`);
  const r = spawnSync("python3", [synthScript, String(N), dir], { encoding: "utf8", timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`python3 ${synthScript} failed: ${r.error?.message ?? r.stderr}`);
  }
  // ESM project, like a user's: the generated .ts files are modules under NodeNext.
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "bench-gen", private: true, type: "module" }, null, 2)}\n`);
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  for (const [name, target] of Object.entries(links)) {
    fs.symlinkSync(target, path.join(dir, "node_modules", name), "dir");
  }
  const base = {
    strict: true,
    noUncheckedIndexedAccess: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2022",
    skipLibCheck: true,
    types: [],
    noEmit: true,
  };
  const tsconfig = (name, include, extra = {}) =>
    fs.writeFileSync(
      path.join(dir, `tsconfig.${name}.json`),
      `${JSON.stringify({ compilerOptions: { ...base, ...extra }, include }, null, 2)}\n`,
    );
  tsconfig("bee", ["bee-out"]);
  tsconfig("prisma", ["generated"]);
  // Both tools' files start with `// @ts-nocheck`; these copies have it stripped to show what
  // checking every body costs (and that beeorm's output has no errors).
  tsconfig("prisma-checked", ["generated-checked"], { allowImportingTsExtensions: true });
  tsconfig("bee-checked", ["bee-out-checked"]);
  // What tsc costs with nothing to check (lib files only).
  fs.mkdirSync(path.join(dir, "tsc-baseline"));
  fs.writeFileSync(path.join(dir, "tsc-baseline/empty.ts"), "export {};\n");
  tsconfig("baseline", ["tsc-baseline"]);
}

const beeArgs = (...extra) => [beeCli, beeSchemaDir, "--out", beeOut, ...extra];

async function beeGenerate() {
  return runTimed(node, beeArgs("--quiet"), { cwd: dir, timeoutMs: GEN_TIMEOUT_MS });
}
async function prismaGenerate() {
  return runTimed(node, [prismaCli, "generate"], { cwd: dir, env: prismaEnv, timeoutMs: GEN_TIMEOUT_MS });
}
async function tsc(name) {
  const r = await runTimed(node, [tscCli, "-p", `tsconfig.${name}.json`, "--pretty", "false"], {
    cwd: dir,
    timeoutMs: TSC_TIMEOUT_MS,
  });
  const errorLines = r.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
  const ok = !r.timedOut && !r.error && (r.code === 0 || r.code === 2);
  return { r, ok, errors: errorLines.length, firstErrors: errorLines.slice(0, 8) };
}

async function measureCold() {
  progress(`cold generate: ${RUNS} runs each, interleaved (outputs and beeorm-gen cache removed before each)`);
  const beeRuns = [];
  const prismaRuns = [];
  for (let i = 0; i < RUNS; i++) {
    if (bee.status === "ok") {
      fs.rmSync(cacheDir, { recursive: true, force: true });
      fs.rmSync(beeOut, { recursive: true, force: true });
      const r = await beeGenerate();
      if (r.code === 0 && fs.existsSync(beeOut)) beeRuns.push(r.ms);
      else if (r.code === 0) fail(bee, `beeorm-gen exited 0 but wrote no ${beeOut}`);
      else fail(bee, describeFailure("beeorm-gen (cold)", r));
    }
    if (prisma.status === "ok") {
      fs.rmSync(prismaOut, { recursive: true, force: true });
      const r = await prismaGenerate();
      if (r.code === 0 && fs.existsSync(prismaOut)) prismaRuns.push(r.ms);
      else fail(prisma, describeFailure("prisma generate", r));
    }
  }
  if (beeRuns.length === RUNS) bee.cold = summarize(beeRuns);
  if (prismaRuns.length === RUNS) prisma.cold = summarize(prismaRuns);
}

async function measureWarm() {
  if (bee.status !== "ok") return;
  progress(`warm re-run: ${RUNS} runs (nothing changed, cache kept)`);
  const runs = [];
  let rewritten = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = mtimes(beeOut);
    const r = await beeGenerate();
    if (r.code !== 0) return fail(bee, describeFailure("beeorm-gen (warm)", r));
    runs.push(r.ms);
    const after = mtimes(beeOut);
    rewritten = Math.max(rewritten, [...after].filter(([f, m]) => before.get(f) !== m).length + [...before.keys()].filter((f) => !after.has(f)).length);
  }
  bee.warm = { ...summarize(runs), filesRewritten: rewritten };
}

function measureSize() {
  progress("output size");
  if (bee.status === "ok") bee.size = dirStats(beeOut);
  if (prisma.status === "ok") prisma.size = dirStats(prismaOut);
}

async function measureTsc() {
  progress(`tsc --noEmit: ${RUNS} runs each, interleaved`);
  const base = [];
  for (let i = 0; i < RUNS; i++) {
    const t = await tsc("baseline");
    if (t.ok) base.push(t.r.ms);
  }
  if (base.length) results.tscBaseline = summarize(base);
  const beeRuns = [];
  const prismaRuns = [];
  for (let i = 0; i < RUNS; i++) {
    if (bee.status === "ok") {
      const t = await tsc("bee");
      if (!t.ok) fail(bee, describeFailure("tsc over beeorm output", t.r));
      else {
        beeRuns.push(t.r.ms);
        bee.tscErrors = t.errors;
        bee.tscFirstErrors = t.firstErrors;
      }
    }
    if (prisma.status === "ok") {
      const t = await tsc("prisma");
      if (!t.ok) fail(prisma, describeFailure("tsc over prisma output", t.r));
      else {
        prismaRuns.push(t.r.ms);
        prisma.tscErrors = t.errors;
        prisma.tscFirstErrors = t.firstErrors;
      }
    }
  }
  if (beeRuns.length === RUNS) bee.tsc = summarize(beeRuns);
  if (prismaRuns.length === RUNS) prisma.tsc = summarize(prismaRuns);

  if (bee.status === "ok") {
    progress("tsc over beeorm output with `// @ts-nocheck` stripped (1 run)");
    strippedCopy(beeOut, path.join(dir, "bee-out-checked"));
    const t = await tsc("bee-checked");
    if (t.ok) bee.tscChecked = { ms: Math.round(t.r.ms), errors: t.errors, firstErrors: t.firstErrors };
    else fail(bee, describeFailure("tsc over beeorm output (checked)", t.r));
  }
  if (prisma.status === "ok" && !opts["no-full-check"]) {
    progress("tsc over prisma output with `// @ts-nocheck` stripped (1 run, informational)");
    strippedCopy(prismaOut, path.join(dir, "generated-checked"));
    const t = await tsc("prisma-checked");
    if (t.ok) prisma.tscChecked = { ms: Math.round(t.r.ms), errors: t.errors, firstErrors: t.firstErrors };
    else results.errors.push(describeFailure("tsc over prisma output (checked)", t.r));
  }
}

/** A copy of an output folder with every `// @ts-nocheck` line neutralised, so that tsc checks all of it. */
function strippedCopy(from, to) {
  fs.cpSync(from, to, { recursive: true });
  for (const f of fs.readdirSync(to, { recursive: true })) {
    const p = path.join(to, f);
    if (!p.endsWith(".ts") || !fs.statSync(p).isFile()) continue;
    fs.writeFileSync(p, fs.readFileSync(p, "utf8").replace(/^\/\/ @ts-nocheck.*$/gm, "// (ts-nocheck removed by bench)"));
  }
}

async function measureWatch() {
  if (bee.status !== "ok") return;
  const indexes = [...new Set(WATCH_ENTITIES.map((i) => i % N))];
  progress(`watch latency: ${indexes.length} edits (E${indexes.join(", E")})`);
  try {
    const w = await measureWatchLatency({ node, cli: beeCli, dir, outDir: beeOut, entityIndexes: indexes });
    const ok = w.edits.filter((e) => e.ms !== undefined);
    bee.watch = {
      ready: w.ready,
      edits: w.edits,
      ...(ok.length === indexes.length ? summarize(ok.map((e) => e.ms)) : {}),
      exit: w.exit,
    };
    const bad = w.edits.filter((e) => e.error);
    if (bad.length || ok.length < indexes.length) {
      fail(bee, `watch: ${bad.map((e) => `${e.entity}: ${e.error}`).join("; ") || "edits not measured"}\n    watcher output:\n    ${w.outputTail.replace(/\n/g, "\n    ")}`);
    }
    if (!w.exit.clean) {
      results.errors.push(`watch: beeorm-gen --watch did not exit cleanly on SIGINT (${JSON.stringify(w.exit)})`);
    }
  } catch (e) {
    fail(bee, `watch: ${e.message}`);
  }
}

function report() {
  const m = results.machine;
  const v = results.versions;
  console.log(`\nbeeorm-gen vs prisma generate — ${N} entities, median of ${RUNS} runs`);
  console.log(`machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.platform}, node ${m.node}`);
  m.loadavg1mEnd = Math.round(os.loadavg()[0] * 100) / 100;
  const busy = Math.max(m.loadavg1mStart, m.loadavg1mEnd) > m.cpus * 0.5;
  console.log(`load:    1-min load average ${m.loadavg1mStart} at start, ${m.loadavg1mEnd} at end${busy ? " — machine busy: figures are noisy" : ""}`);
  console.log(`tools:   prisma ${v.prisma} (@prisma/client ${v.prismaClient}), typescript ${v.typescript}, beeorm ${v.beeorm}`);
  if (bee.status === "not built") console.log(`\nbeeorm-gen not built (${beeCli} missing): run \`npm run build\`. Prisma figures only.`);
  else if (bee.status !== "ok") console.log("\nbeeorm-gen failed (see errors below): its figures are incomplete.");
  if (opts["bee-cli"]) console.log(`beeorm-gen entry point overridden: ${beeCli}`);
  console.log("");

  const t = TARGETS;
  const coldR = ratio(bee.cold?.median, prisma.cold?.median);
  const bytesR = ratio(bee.size?.bytes, prisma.size?.bytes);
  const tscR = ratio(bee.tsc?.median, prisma.tsc?.median);
  results.ratios = { cold: coldR, bytes: bytesR, tsc: tscR };
  results.verdicts = {
    cold: verdict(coldR, t.coldRatio),
    warm: verdict(bee.warm?.median, t.warmMs),
    watch: verdict(bee.watch?.median, t.watchMs),
    bytes: verdict(bytesR, t.bytesRatio),
    tsc: verdict(tscR, t.tscRatio),
    tscErrors: verdict(bee.tscChecked?.errors, 0),
  };
  const V = results.verdicts;
  const rows = [
    ["cold generate (median)", fmtMs(bee.cold?.median), fmtMs(prisma.cold?.median), fmtRatio(coldR), `≤ ${t.coldRatio.toFixed(2)}×`, V.cold],
    ["cold generate (min)", fmtMs(bee.cold?.min), fmtMs(prisma.cold?.min), fmtRatio(ratio(bee.cold?.min, prisma.cold?.min)), "", ""],
    ["warm re-run (median)", fmtMs(bee.warm?.median), "—", "—", `≤ ${t.warmMs} ms`, V.warm],
    ["warm re-run (min)", fmtMs(bee.warm?.min), "—", "—", "", ""],
    [`watch latency (median of ${WATCH_ENTITIES.length})`, fmtMs(bee.watch?.median), "—", "—", `≤ ${t.watchMs} ms`, V.watch],
    ["watch latency (max)", fmtMs(bee.watch?.max), "—", "—", "", ""],
    ["output bytes", fmtBytes(bee.size?.bytes), fmtBytes(prisma.size?.bytes), fmtRatio(bytesR), `≤ ${t.bytesRatio.toFixed(2)}×`, V.bytes],
    ["output files", fmtInt(bee.size?.files), fmtInt(prisma.size?.files), fmtRatio(ratio(bee.size?.files, prisma.size?.files)), "", ""],
    ["output lines", fmtInt(bee.size?.lines), fmtInt(prisma.size?.lines), fmtRatio(ratio(bee.size?.lines, prisma.size?.lines)), "", ""],
    ["tsc --noEmit (median)", fmtMs(bee.tsc?.median), fmtMs(prisma.tsc?.median), fmtRatio(tscR), `≤ ${t.tscRatio.toFixed(2)}×`, V.tsc],
    ["tsc --noEmit (min)", fmtMs(bee.tsc?.min), fmtMs(prisma.tsc?.min), fmtRatio(ratio(bee.tsc?.min, prisma.tsc?.min)), "", ""],
    ["tsc --noEmit, ts-nocheck stripped", fmtMs(bee.tscChecked?.ms), fmtMs(prisma.tscChecked?.ms), fmtRatio(ratio(bee.tscChecked?.ms, prisma.tscChecked?.ms)), "", ""],
    ["tsc errors, ts-nocheck stripped", fmtInt(bee.tscChecked?.errors), fmtInt(prisma.tscChecked?.errors), "", "0 (beeorm)", V.tscErrors],
  ];
  printTable(rows);

  console.log("");
  if (results.tscBaseline) console.log(`tsc baseline (empty project, lib files only): ${fmtMs(results.tscBaseline.median)} median`);
  console.log("tsc --noEmit: both tools ship every file with `// @ts-nocheck` (an application's build parses and binds");
  console.log("  them and checks only its own uses of their types); the stripped rows check every body, 1 run each");
  if (bee.warm) console.log(`warm re-run rewrote ${bee.warm.filesRewritten} file(s)`);
  if (bee.watch?.edits?.length) {
    console.log(`watch: ready after ${bee.watch.ready?.ms} ms (${bee.watch.ready?.how}); exit on SIGINT: ${bee.watch.exit?.clean ? "clean" : "NOT clean"} (${bee.watch.exit?.signal ?? `code ${bee.watch.exit?.code}`}${bee.watch.exit?.ms !== undefined ? `, ${bee.watch.exit.ms} ms` : ""}${bee.watch.exit?.note ? `; ${bee.watch.exit.note}` : ""})`);
    for (const e of bee.watch.edits) {
      console.log(
        e.error
          ? `  ${e.entity}: ${e.error}`
          : `  ${e.entity}: ${e.file} after ${fmtMs(e.ms)}` +
            (e.firstFile !== e.file ? ` (first file showing the edit: ${e.firstFile} after ${fmtMs(e.firstMs)})` : "") +
            `; writes settled at ${fmtMs(e.settleMs)}, ${e.filesRewritten} file(s) rewritten${e.note ? ` — ${e.note}` : ""}`,
      );
    }
  }
  if (bee.tscErrors) console.log(`beeorm tsc errors (first ${bee.tscFirstErrors.length}):\n  ${bee.tscFirstErrors.join("\n  ")}`);
  if (bee.tscChecked?.errors) console.log(`beeorm tsc errors, ts-nocheck stripped (first ${bee.tscChecked.firstErrors.length}):\n  ${bee.tscChecked.firstErrors.join("\n  ")}`);
  if (prisma.tscErrors) console.log(`prisma tsc errors (first ${prisma.tscFirstErrors.length}):\n  ${prisma.tscFirstErrors.join("\n  ")}`);
  if (results.errors.length) console.log(`\nerrors:\n  ${results.errors.join("\n  ")}`);

  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${path.relative(process.cwd(), resultsFile) || resultsFile}`);
}

let exitCode = 0;
try {
  setup();
  if (!fs.existsSync(beeCli)) {
    bee.status = "not built";
    results.errors.push(`beeorm-gen not built: ${beeCli} is missing (run npm run build)`);
    console.log(`· beeorm-gen not built (${beeCli} missing) — measuring Prisma only`);
  }
  await measureCold();
  await measureWarm();
  measureSize();
  await measureTsc();
  await measureWatch(); // last: it edits schema.bee
  report();
  exitCode = results.errors.length || bee.status !== "ok" || prisma.status !== "ok" ? 1 : 0;
} catch (e) {
  console.error(`bench:gen failed: ${e.stack ?? e}`);
  exitCode = 1;
} finally {
  cleanup();
}
process.exit(exitCode);
