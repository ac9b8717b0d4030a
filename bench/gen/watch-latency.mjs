// Watch-mode latency: time from saving an edited schema to the edited entity's output file changing.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { listDirs, mtimes, readOrUndefined } from "./fs-stats.mjs";
import { liveChildren, sleep } from "./proc.mjs";

/** `E57` → `e57`, `OrderLine` → `order-line`: the name the generator gives an entity's file. */
export const kebab = (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/** Inserts `line` as the last line of `entity NAME { … }` in a .bee schema. */
export function addField(schema, entity, line) {
  const re = new RegExp(`(^entity ${entity}\\b[^{\\n]*\\{[\\s\\S]*?)\\n\\}`, "m");
  if (!re.test(schema)) throw new Error(`entity ${entity} not found in schema.bee`);
  return schema.replace(re, (_, head) => `${head}\n${line}\n}`);
}

/**
 * Starts `beeorm-gen SCHEMA --out OUT --watch`, waits until it is ready, then for each entity index
 * appends a field `extraN int32?` to `entity EN` and times until an output file contains `extraN`.
 */
export async function measureWatchLatency({
  node,
  cli,
  dir,
  outDir,
  entityIndexes,
  startTimeoutMs = 60_000,
  editTimeoutMs = 10_000,
}) {
  const schemaDir = path.join(dir, "bee");
  const schemaFile = path.join(schemaDir, "schema.bee");
  const result = { ready: undefined, edits: [], exit: undefined, outputTail: "" };
  let output = "";
  let exited;
  const t0 = performance.now();
  const child = spawn(node, [cli, schemaDir, "--out", outDir, "--watch"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveChildren.add(child);
  const exitPromise = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal, at: performance.now() };
      liveChildren.delete(child);
      resolve(exited);
    });
    child.on("error", (e) => {
      exited = { code: null, signal: null, error: e.message, at: performance.now() };
      liveChildren.delete(child);
      resolve(exited);
    });
  });
  const onData = (b) => {
    output += b.toString("utf8");
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);

  try {
    result.ready = await waitReady();
    await sleep(300); // let chokidar settle after its ready event
    let failures = 0;
    for (const idx of entityIndexes) {
      const edit = await timeOneEdit(idx);
      result.edits.push(edit);
      if (edit.error) {
        if (++failures >= 2 || exited) break;
      }
    }
  } finally {
    result.exit = await stop();
    result.outputTail = output.trim().split("\n").slice(-20).join("\n");
  }
  return result;

  async function waitReady() {
    let lastSnap = "";
    let stableSince = performance.now();
    for (;;) {
      if (/watching/i.test(output)) return { ms: Math.round(performance.now() - t0), how: '"watching" line' };
      if (exited) throw new Error(`watcher exited before it was ready (${exited.signal ?? `code ${exited.code}`}):\n${output.trim()}`);
      const elapsed = performance.now() - t0;
      if (elapsed > startTimeoutMs) throw new Error(`watcher not ready after ${startTimeoutMs} ms:\n${output.trim()}`);
      // Fallback when no ready line is printed: output present and unchanged for 2 s, after 5 s.
      const snap = JSON.stringify([...mtimes(outDir)]);
      if (snap !== lastSnap) {
        lastSnap = snap;
        stableSince = performance.now();
      } else if (elapsed > 5000 && snap !== "[]" && performance.now() - stableSince > 2000) {
        return { ms: Math.round(elapsed), how: "output stable (no ready line)" };
      }
      await sleep(100);
    }
  }

  async function timeOneEdit(idx) {
    const entity = `E${idx}`;
    const token = `extra${idx}`;
    const next = addField(fs.readFileSync(schemaFile, "utf8"), entity, `  ${token} int32?`);
    const before = mtimes(outDir);
    const stem = kebab(entity);
    const candidates = [...before.keys()].filter((f) => {
      const base = path.basename(f).toLowerCase();
      return base === stem || base.startsWith(`${stem}.`) || base.startsWith(`${stem}-`);
    });
    // The entity's own file is what is timed; any other file showing the edit first is noted, and
    // stands in only when no file is named after the entity.
    let found;
    let firstAny;
    let lastEventAt = 0;
    const check = (file) => {
      if (found) return;
      const text = readOrUndefined(file);
      if (text === undefined || !text.includes(token)) return;
      const hit = { file, at: performance.now() };
      firstAny ??= hit;
      if (candidates.length === 0 || candidates.includes(file)) found = hit;
    };
    const watchers = listDirs(outDir).map((d) =>
      fs.watch(d, (_event, name) => {
        lastEventAt = performance.now();
        if (name) check(path.join(d, name.toString()));
      }),
    );
    let note;
    try {
      fs.writeFileSync(schemaFile, next);
      const start = performance.now();
      for (let i = 0; !found; i++) {
        if (performance.now() - start > editTimeoutMs) {
          if (!firstAny) return { entity, error: `no output file contained "${token}" within ${editTimeoutMs} ms` };
          found = firstAny;
          note = `${candidates.map((f) => path.basename(f)).join(", ")} never showed "${token}"; timed ${path.basename(firstAny.file)}`;
          break;
        }
        if (exited) return { entity, error: "watcher exited" };
        for (const f of candidates) check(f);
        if (i % 25 === 24 && !found) {
          // Safety net for missed fs.watch events: read every file whose mtime moved.
          for (const [f, m] of mtimes(outDir)) if (before.get(f) !== m) check(f);
        }
        if (!found) await sleep(2);
      }
      const ms = found.at - start;
      // Wait for the burst of writes to end, so that the next edit starts from a quiet watcher.
      const quietFrom = performance.now();
      while (performance.now() - Math.max(lastEventAt, found.at) < 300 && performance.now() - quietFrom < 5000) {
        await sleep(20);
      }
      const changed = [...mtimes(outDir)].filter(([f, m]) => before.get(f) !== m).length;
      return {
        entity,
        ms: Math.round(ms * 10) / 10,
        file: path.relative(outDir, found.file),
        firstFile: path.relative(outDir, firstAny.file),
        firstMs: Math.round((firstAny.at - start) * 10) / 10,
        settleMs: Math.round((Math.max(lastEventAt, found.at) - start) * 10) / 10,
        filesRewritten: changed,
        ...(note ? { note } : {}),
      };
    } finally {
      for (const w of watchers) w.close();
    }
  }

  async function stop() {
    if (!exited) {
      const sentAt = performance.now();
      child.kill("SIGINT");
      const timeout = sleep(5000).then(() => undefined);
      const e = await Promise.race([exitPromise, timeout]);
      if (!e) {
        child.kill("SIGKILL");
        await exitPromise;
        return { code: null, signal: "SIGKILL", clean: false, note: "did not exit within 5 s of SIGINT; killed" };
      }
      return {
        code: e.code,
        signal: e.signal,
        ms: Math.round(e.at - sentAt),
        clean: e.code === 0 || e.code === 130,
      };
    }
    return { ...exited, clean: false, note: "exited before SIGINT" };
  }
}
